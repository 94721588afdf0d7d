package dev.weir.common.ecs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of the Elastic Common Schema that Weir keeps in their ECS place, with the Elasticsearch type ECS gives
 * each ({@code fields.txt} next to this class: 400-odd fields of the field sets logs and requests carry: agent, client,
 * cloud, container, destination, dns, error, event, file, host, http, log, network, observer, orchestrator, process,
 * related, server, service, source, tls, url, user, user_agent, and the geo, os, as, nat and user fields reused in
 * them). The stream-processor checks an input field's value against its type and keeps it in the event's
 * {@code ecs} map; sink-elastic maps every one. A field ECS does not define is a label.
 *
 * <p>Immutable and thread-safe; one lookup is a hash-map get.
 */
public final class EcsFields {
    /** What a field's value is, as the processor checks it and Avro holds it. */
    public enum Kind {
        /** Text: keyword, text, wildcard; an array of strings where the input has several. */
        STRING,
        /** A whole number (Elasticsearch {@code long}). */
        LONG,
        /** A finite number (Elasticsearch {@code float}). */
        DOUBLE,
        /** An IPv4 or IPv6 address as the {@code ip} type reads it; an array of them where the input has several. */
        IP,
        /** An instant, kept as ISO-8601 UTC. */
        DATE,
        /** {@code true} or {@code false}. */
        BOOLEAN
    }

    /**
     * One field's type.
     *
     * @param name the dotted ECS name
     * @param type the Elasticsearch mapping type ECS gives it: keyword, text, wildcard, long, float, ip, date, boolean
     * @param kind what its value is
     */
    public record Field(String name, String type, Kind kind) {
    }

    private static final Map<String, Field> FIELDS = load();

    private EcsFields() {
    }

    /**
     * @param name a dotted field name
     * @return its ECS definition, or {@code null} when ECS does not define it (or Weir sets it itself)
     */
    public static Field get(String name) {
        return FIELDS.get(name);
    }

    /** @return every field, by name, sorted */
    public static Map<String, Field> all() {
        return Collections.unmodifiableMap(new TreeMap<>(FIELDS));
    }

    private static Map<String, Field> load() {
        Map<String, Field> fields = new HashMap<>(1024);
        try (InputStream in = EcsFields.class.getResourceAsStream("fields.txt")) {
            if (in == null) {
                throw new IllegalStateException("dev/weir/common/ecs/fields.txt is missing from the weir-common jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" ");
                fields.put(parts[0], new Field(parts[0], parts[1], kind(parts[1], parts[0])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read dev/weir/common/ecs/fields.txt", e);
        }
        return fields;
    }

    private static Kind kind(String type, String name) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "keyword", "text", "wildcard", "match_only_text" -> Kind.STRING;
            case "long" -> Kind.LONG;
            case "float", "double", "scaled_float" -> Kind.DOUBLE;
            case "ip" -> Kind.IP;
            case "date" -> Kind.DATE;
            case "boolean" -> Kind.BOOLEAN;
            default -> throw new IllegalStateException("Unknown type " + type + " of ECS field " + name + " in fields.txt");
        };
    }
}

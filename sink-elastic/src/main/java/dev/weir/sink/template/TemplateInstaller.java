package dev.weir.sink.template;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.cluster.GetComponentTemplateResponse;
import co.elastic.clients.elasticsearch.indices.GetIndexTemplateResponse;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.ecs.EcsFields;
import dev.weir.sink.SinkConfig.FieldTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the sink's component and index templates, idempotently: a template already present
 * with this {@link #VERSION} (or a newer one, from a newer sink) and the same field types is left
 * alone, so N instances starting together do not fight. The templates are JSON resources next to
 * this class; values {@code "$text"}, {@code "$kw"}, {@code "$wildcard"}, {@code "$stack"},
 * {@code "$constant"} stand for the field types that depend on the distribution:
 *
 * <table>
 *   <tr><th>placeholder</th><th>basic (every distribution)</th><th>full (default distribution)</th></tr>
 *   <tr><td>$text</td><td>text</td><td>match_only_text</td></tr>
 *   <tr><td>$wildcard</td><td>keyword</td><td>wildcard</td></tr>
 *   <tr><td>$stack</td><td>text</td><td>wildcard + .text match_only_text</td></tr>
 *   <tr><td>$constant</td><td>keyword</td><td>constant_keyword</td></tr>
 * </table>
 *
 * The ECS mappings hold, besides the fields of {@code weir-ecs@mappings.json}, every field of {@link EcsFields} with
 * the type ECS gives it (text types through the placeholders above; {@code event.original} neither indexed nor with
 * doc values, as ECS has it), so that the events' {@code ecs} fields are searchable in their ECS place.
 *
 * <p>With {@link FieldTypes#AUTO} it keeps what an earlier sink installed, else tries the full
 * types and falls back to the basic ones when the cluster does not know them. A template
 * change takes effect for a data stream at its next rollover. Not thread-safe.
 */
public final class TemplateInstaller {
    /** Version of the templates; raise it with every change to a template resource or to {@link EcsFields}. */
    public static final int VERSION = 2;

    /** Component templates, in install order. */
    public static final List<String> COMPONENTS = List.of("weir@settings", "weir-ecs@mappings", "weir-alerts@mappings",
            "weir-deadletter@mappings");
    /** Index templates. */
    public static final List<String> INDEX_TEMPLATES = List.of("weir-logs", "weir-alerts", "weir-deadletter");

    private static final Logger log = LoggerFactory.getLogger(TemplateInstaller.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PROBE = "weir-ecs@mappings";

    private final ElasticsearchClient client;

    /** @param client the cluster to install into */
    public TemplateInstaller(ElasticsearchClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * What {@link #install(FieldTypes)} did.
     *
     * @param fieldTypes the types in use, {@code BASIC} or {@code FULL}
     * @param written    templates written by this call (empty when all were current)
     */
    public record Result(FieldTypes fieldTypes, List<String> written) {
    }

    /**
     * @param requested which field types to use
     * @return the types in use and what was written
     * @throws IOException when Elasticsearch cannot be reached
     * @throws ElasticsearchException when it rejects a template (with {@code FULL}: when it lacks the types)
     */
    public Result install(FieldTypes requested) throws IOException {
        List<String> written = new ArrayList<>();
        FieldTypes types = requested;
        if (requested == FieldTypes.AUTO) {
            types = installedComponent(PROBE).filter(m -> m.version >= VERSION).map(m -> m.fieldTypes).orElse(null);
            if (types == null) {
                try {
                    putComponent(PROBE, FieldTypes.FULL);
                    written.add(PROBE);
                    types = FieldTypes.FULL;
                } catch (ElasticsearchException e) {
                    if (!isUnknownType(e)) {
                        throw e;
                    }
                    log.info("Elasticsearch lacks match_only_text/wildcard/constant_keyword ({}); using text and keyword",
                            e.getMessage());
                    types = FieldTypes.BASIC;
                }
            }
        }
        for (String name : COMPONENTS) {
            if (written.contains(name)) {
                continue;
            }
            FieldTypes wanted = types;
            boolean current = installedComponent(name).filter(m -> m.version > VERSION
                    || (m.version == VERSION && m.fieldTypes == wanted)).isPresent();
            if (!current) {
                putComponent(name, types);
                written.add(name);
            }
        }
        for (String name : INDEX_TEMPLATES) {
            if (installedIndexTemplateVersion(name) < VERSION) {
                ObjectNode body = load(name + ".index.json", types);
                body.put("version", VERSION);
                body.putObject("_meta").put("managed_by", "weir-sink").put("weir_template_version", VERSION);
                client.indices().putIndexTemplate(p -> p.name(name).withJson(new StringReader(body.toString())));
                written.add(name);
            }
        }
        if (!written.isEmpty()) {
            log.info("Installed Elasticsearch templates {} (version {}, {} field types)", written, VERSION, types);
        }
        return new Result(types, List.copyOf(written));
    }

    private void putComponent(String name, FieldTypes types) throws IOException {
        ObjectNode body = load(name + ".json", types);
        body.put("version", VERSION);
        body.putObject("_meta").put("managed_by", "weir-sink").put("weir_template_version", VERSION)
                .put("field_types", types.name());
        client.cluster().putComponentTemplate(p -> p.name(name).withJson(new StringReader(body.toString())));
    }

    private record Installed(long version, FieldTypes fieldTypes) {
    }

    private java.util.Optional<Installed> installedComponent(String name) throws IOException {
        GetComponentTemplateResponse r;
        try {
            r = client.cluster().getComponentTemplate(g -> g.name(name));
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return java.util.Optional.empty();
            }
            throw e;
        }
        return r.componentTemplates().stream().findFirst().map(t -> {
            Long version = t.componentTemplate().version();
            Map<String, JsonData> meta = t.componentTemplate().meta();
            FieldTypes types = FieldTypes.BASIC;
            if (meta != null && meta.get("field_types") != null) {
                try {
                    types = FieldTypes.valueOf(meta.get("field_types").to(String.class));
                } catch (IllegalArgumentException e) {
                    types = null;
                }
            }
            return new Installed(version == null ? 0 : version, types);
        });
    }

    private long installedIndexTemplateVersion(String name) throws IOException {
        GetIndexTemplateResponse r;
        try {
            r = client.indices().getIndexTemplate(g -> g.name(name));
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return -1;
            }
            throw e;
        }
        return r.indexTemplates().stream().findFirst()
                .map(t -> t.indexTemplate().version() == null ? 0L : t.indexTemplate().version()).orElse(-1L);
    }

    private static boolean isUnknownType(ElasticsearchException e) {
        String text = String.valueOf(e.response()) + " " + e.getMessage();
        return text.contains("does not exist") || text.contains("No handler for type");
    }

    /**
     * @param resource a template resource next to this class
     * @param types    BASIC or FULL
     * @return its JSON with the placeholders replaced
     */
    static ObjectNode load(String resource, FieldTypes types) {
        try (InputStream in = TemplateInstaller.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Template resource " + resource + " is missing from the jar");
            }
            ObjectNode root = (ObjectNode) MAPPER.readTree(in);
            if (resource.equals("weir-ecs@mappings.json")) {
                addEcsFields((ObjectNode) root.path("template").path("mappings").path("properties"));
            }
            replace(root, types == FieldTypes.FULL);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read template resource " + resource, e);
        }
    }

    /** Adds every {@link EcsFields} field the resource does not map already, at its nested place. */
    static void addEcsFields(ObjectNode properties) {
        for (EcsFields.Field f : EcsFields.all().values()) {
            ObjectNode at = properties;
            String[] parts = f.name().split("\\.");
            boolean conflict = false;
            for (int i = 0; i < parts.length - 1 && !conflict; i++) {
                JsonNode next = at.path(parts[i]);
                if (next.isMissingNode()) {
                    at = at.putObject(parts[i]).putObject("properties");
                } else if (next.has("properties")) {
                    at = (ObjectNode) next.get("properties");
                } else {
                    conflict = true; // a leaf where ECS has an object: keep the resource's mapping
                }
            }
            String leaf = parts[parts.length - 1];
            if (conflict || at.has(leaf)) {
                continue;
            }
            switch (f.type()) {
                case "keyword" -> {
                    if (f.name().equals("event.original")) {
                        at.putObject(leaf).put("type", "keyword").put("index", false).put("doc_values", false);
                    } else {
                        at.put(leaf, "$kw");
                    }
                }
                case "text", "match_only_text" -> at.put(leaf, "$text");
                case "wildcard" -> at.put(leaf, "$wildcard");
                default -> at.putObject(leaf).put("type", f.type());
            }
        }
    }

    private static void replace(JsonNode node, boolean full) {
        if (!(node instanceof ObjectNode obj)) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
        List<Map.Entry<String, JsonNode>> replacements = new ArrayList<>();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isTextual() && f.getValue().asText().startsWith("$")) {
                replacements.add(Map.entry(f.getKey(), type(f.getValue().asText(), full)));
            } else {
                replace(f.getValue(), full);
            }
        }
        replacements.forEach(r -> obj.set(r.getKey(), r.getValue()));
    }

    private static JsonNode type(String placeholder, boolean full) {
        ObjectNode t = MAPPER.createObjectNode();
        switch (placeholder) {
            case "$kw" -> t.put("type", "keyword").put("ignore_above", 1024);
            case "$text" -> t.put("type", full ? "match_only_text" : "text");
            case "$wildcard" -> {
                if (full) {
                    t.put("type", "wildcard");
                } else {
                    t.put("type", "keyword").put("ignore_above", 1024);
                }
            }
            case "$stack" -> {
                if (full) {
                    t.put("type", "wildcard").putObject("fields").putObject("text").put("type", "match_only_text");
                } else {
                    t.put("type", "text");
                }
            }
            case "$constant" -> {
                if (full) {
                    t.put("type", "constant_keyword");
                } else {
                    t.put("type", "keyword").put("ignore_above", 1024);
                }
            }
            default -> throw new IllegalStateException("Unknown field type placeholder " + placeholder);
        }
        return t;
    }
}

package dev.weir.agent;

import dev.weir.agent.browser.BrowserSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParserType;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.tail.FileInputSettings;
import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.Topics;
import dev.weir.common.ops.HttpServerSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the agent's YAML configuration into {@link AgentSettings}; every key and its default is
 * listed in {@code producer-agent/README.md}. Unknown keys and bad values stop startup with a
 * one-line {@link ConfigException} naming the key; a key still spelled the old way with
 * underscores ({@code data_dir}) is named with its kebab-case spelling.
 */
public final class AgentConfig {
    private AgentConfig() {}

    /**
     * @param file the YAML file
     * @return validated settings
     * @throws ConfigException naming the first wrong key
     */
    public static AgentSettings load(Path file) {
        return read(ConfigNode.load(file, "agent"));
    }

    /** Reads settings from a parsed root node; visible for tests. */
    public static AgentSettings read(ConfigNode root) {
        ConfigNode service = root.child("service");
        String serviceName = service.requiredString("name");
        String environment = service.string("environment", null);
        String hostName = root.child("host").string("name", localHostName());

        ConfigNode kafka = root.child("kafka");
        KafkaSettings connection = KafkaSettings.read(kafka, "127.0.0.1:9092", Set.of());
        String clientId = kafka.string("client-id", "weir-agent");
        ConfigNode topics = kafka.child("topics");
        int maxEvent = (int) root.bytes("max-event-size", Topics.RAW_EVENT_MAX_BYTES, 1024, 64L << 20);
        Destinations destinations = new Destinations(topics.string("logs", Topics.RAW_LOGS), topics.string("requests", Topics.RAW_REQUESTS),
                maxEvent);

        Path dataDir = Path.of(root.string("data-dir", "weir-agent-data"));
        Duration checkpointInterval = root.duration("checkpoint-interval", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(5));

        ConfigNode buf = root.child("buffer");
        long memory = buf.bytes("memory", 64L << 20, 1L << 20, 1L << 40);
        ConfigNode disk = buf.child("disk");
        boolean diskEnabled = disk.bool("enabled", true);
        long diskMax = disk.bytes("max", 1L << 30, 1L << 20, 1L << 50);
        long segment = disk.bytes("segment", 16L << 20, 64L << 10, 1L << 30);
        if (diskEnabled && segment > diskMax) {
            throw ConfigException.invalid("agent.buffer.disk.segment", segment, "must not exceed agent.buffer.disk.max (" + diskMax + ")");
        }
        long inFlight = buf.bytes("in-flight", 64L << 20, 64L << 10, 1L << 30);
        AgentSettings.BufferSettings buffer = new AgentSettings.BufferSettings(memory, diskEnabled, diskMax, segment, inFlight);

        ConfigNode http = root.child("http");
        http.moved("bearer_token", "token");
        http.moved("bearer-token", "token");
        HttpSettings d = HttpSettings.defaults();
        HttpSettings httpSettings = new HttpSettings(
                http.bool("enabled", d.enabled()),
                HttpServerSettings.read(http, d.host(), d.port()),
                http.bool("intake", d.intake()),
                http.bytes("max-body", d.maxBodyBytes(), 1024, 1L << 30),
                http.duration("ack-timeout", d.ackTimeout(), Duration.ofMillis(100), Duration.ofMinutes(10)),
                http.duration("retry-after", d.retryAfter(), Duration.ofSeconds(1), Duration.ofHours(1)),
                browser(http.child("browser")));

        ConfigNode stdin = root.child("stdin");
        ParserType stdinParser = stdin.enumValue("parser", ParserType.class, ParserType.JSON);
        AgentSettings.StdinSettings stdinSettings = new AgentSettings.StdinSettings(stdin.bool("enabled", false), stdinParser,
                stdin.enumValue("events", Events.class, Events.of(stdinParser.defaultKind())).kind, stdin.bool("exit-at-end", true));

        List<FileInputSettings> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode f : root.children("files")) {
            FileInputSettings fs = file(f, files.size());
            if (fs.maxLineBytes() > maxEvent) {
                throw ConfigException.invalid(f.path() + ".max-line", fs.maxLineBytes(), "must not exceed agent.max-event-size ("
                        + maxEvent + "), or every line that long is cut again");
            }
            if (!names.add(fs.name())) {
                throw ConfigException.invalid(f.path() + ".name", fs.name(), "must be unique among agent.files");
            }
            files.add(fs);
        }
        ConfigNode probes = root.child("probes");
        AgentSettings.ProbeSettings probeSettings = new AgentSettings.ProbeSettings(probes.bool("enabled", false),
                probes.string("topic", Topics.PROBES), probes.string("group", "weir-probes"));
        if (files.isEmpty() && !stdinSettings.enabled() && !(httpSettings.enabled() && httpSettings.intake()) && !probeSettings.enabled()) {
            throw new ConfigException("Invalid configuration for agent: no input; configure agent.files, enable agent.stdin, agent.http.intake"
                    + " or agent.probes");
        }
        root.finish();
        return new AgentSettings(serviceName, environment, hostName, connection, clientId, destinations, dataDir, checkpointInterval,
                buffer, httpSettings, stdinSettings, files, probeSettings);
    }

    private static BrowserSettings browser(ConfigNode node) {
        BrowserSettings d = BrowserSettings.defaults();
        List<String> origins = new ArrayList<>();
        List<String> configured = node.stringList("origins", List.of());
        for (int i = 0; i < configured.size(); i++) {
            origins.add(BrowserSettings.origin(node.path() + ".origins[" + i + "]", configured.get(i)));
        }
        long maxBody = node.bytes("max-body", d.maxBodyBytes(), 1024, 1L << 20);
        int perMinute = node.intInRange("per-minute", d.perMinute(), 1, 100_000);
        String service = node.string("service", null);
        if (service != null && !BrowserSettings.SERVICE.matcher(service).matches()) {
            throw ConfigException.invalid(node.path() + ".service", service, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return new BrowserSettings(origins, maxBody, perMinute, service);
    }

    private static FileInputSettings file(ConfigNode f, int index) {
        String name = f.string("name", "files-" + index);
        List<String> paths = f.stringList("paths", List.of());
        if (paths.isEmpty()) {
            throw new ConfigException("Missing value for " + f.path() + ".paths: a file input needs at least one glob pattern");
        }
        for (String p : paths) {
            if (!Path.of(p).isAbsolute()) {
                throw ConfigException.invalid(f.path() + ".paths", p, "must be an absolute path pattern such as /var/log/app/*.log");
            }
        }
        List<String> exclude = f.stringList("exclude", List.of());
        ParserType parser = f.enumValue("parser", ParserType.class, ParserType.JSON);
        EventKind events = f.enumValue("events", Events.class, Events.of(parser.defaultKind())).kind;
        String service = f.string("service", null);
        ZoneId zone;
        String tz = f.string("timezone", null);
        try {
            zone = tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw ConfigException.invalid(f.path() + ".timezone", tz, "is not a time zone such as UTC or Europe/Berlin");
        }
        int fingerprint = f.intInRange("fingerprint-bytes", 1024, 16, 1 << 20);
        Duration scan = f.duration("scan-interval", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10));
        Duration poll = f.duration("poll-interval", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMinutes(1));
        Duration closeInactive = f.duration("close-inactive", Duration.ofMinutes(1), Duration.ofMillis(10), Duration.ofDays(7));
        Duration orphanTtl = f.duration("orphan-ttl", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(7));
        int maxLine = (int) f.bytes("max-line", 512 * 1024, 1024, 64L << 20);
        String startAt = f.string("start-at", "beginning");
        if (!startAt.equals("beginning") && !startAt.equals("end")) {
            throw ConfigException.invalid(f.path() + ".start-at", startAt, "must be beginning or end");
        }
        return new FileInputSettings(name, paths, exclude, parser, events, service, zone, fingerprint, scan, poll, closeInactive,
                orphanTtl, maxLine, startAt.equals("end"));
    }

    /** @return this machine's host name, or {@code localhost} when it cannot be found */
    public static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The {@code events} setting: {@code logs} or {@code requests}. */
    private enum Events {
        LOGS(EventKind.LOG), REQUESTS(EventKind.REQUEST);

        final EventKind kind;

        Events(EventKind kind) {
            this.kind = kind;
        }

        static Events of(EventKind k) {
            return k == EventKind.REQUEST ? REQUESTS : LOGS;
        }
    }
}

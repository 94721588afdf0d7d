package dev.weir.bench.latency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.bench.cpu.Cpu;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.emitter.EmitterApp;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Alert latency end to end, Weir against Prometheus + Alertmanager, on the same traffic at the
 * same time.
 *
 * <p>One traffic generator writes raw request events (and some log lines) to
 * {@code weir.raw.requests} / {@code weir.raw.logs}: steady background traffic of ten services,
 * plus incidents, one starting at a random point of each {@code spacing} slot (so crossing events fall on
 * every phase of Prometheus's scrape and evaluation clocks). An incident is a fresh service ({@code inc-NNNN}, so every alert is a new
 * group on every side) sending one event every 100 ms; the kinds ({@link IncidentKind}) take turns:
 * <ul>
 *   <li>error spike: 50 requests answered 200, then only 500s; crossing event the 51st 500 (event index 100): the first
 *       event after which more than half of the service's requests in the last 30 s are 5xx (51 of 101), with at least
 *       20 events in the window;</li>
 *   <li>latency regression: 50 requests of 20–50 ms, then only 3 s ones (all 200); crossing event the 3rd slow one
 *       (event index 52): the first event after which more than 5% of the window's requests are above 2 s (3 of 53),
 *       i.e. the nearest-rank p95 is above 2 s, with at least 20 events;</li>
 *   <li>login burst: only failed logins (ECS authentication log events, outcome failure) from one fresh source IP;
 *       crossing event the 11th (event index 10): the first after which more than 10 failures lie in the last minute.</li>
 * </ul>
 * Every event of an incident up to its crossing event lies within the rule's window of it ({@link Crossings}). The
 * time is taken just before {@code KafkaProducer.send} of the crossing event.
 *
 * <p>Three paths see that traffic and post to one {@link SlackStub}, each on its own path:
 * <ul>
 *   <li>{@code /weir}: {@link ProcessorApp} (rules {@code error_ratio > 50%} and {@code latency_quantile} p95
 *       {@code > 2s} over 30 s with {@code min_events: 20}, {@code failed_logins > 10} over 1 m by service and
 *       source IP, all {@code for: 0s}; exactly_once_v2, 100 ms commit interval) →
 *       {@code weir.alerts} → {@link EmitterApp} ({@code group_wait: 0s}) → Slack;</li>
 *   <li>{@code /prom-tuned}: a real Prometheus scraping the processor's {@code /metrics} every
 *       1 s and evaluating the equivalent PromQL rule every 1 s → a real Alertmanager
 *       ({@code group_wait: 0s}) → Slack;</li>
 *   <li>{@code /prom-seeds} (optional): the same with the seeds' timings: 15 s scrape and
 *       evaluation, {@code group_wait: 30s}.</li>
 * </ul>
 * Latency = arrival of the first request naming the incident's service on a path − send time of
 * its crossing event.
 */
public final class AlertLatencyBench {
    /** Gap between two requests of one incident. */
    public static final Duration INCIDENT_INTERVAL = Duration.ofMillis(100);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVICE = Pattern.compile("(inc|wrm)-\\d{4}");
    private static final int BACKGROUND_SERVICES = 10;
    private static final String[] USERS = {"admin", "root", "alice", "bob", "test", "oracle", "support", "guest"};

    /** The alert paths measured. */
    public enum Side {
        WEIR("/weir", "Weir (processor → emitter), group_wait 0s"),
        PROMETHEUS_TUNED("/prom-tuned", "Prometheus + Alertmanager tuned: 1 s scrape/eval, group_wait 0s"),
        PROMETHEUS_SEEDS("/prom-seeds", "Prometheus + Alertmanager, seeds' timings: 15 s scrape/eval, group_wait 30s");

        final String path;
        final String label;

        Side(String path, String label) {
            this.path = path;
            this.label = label;
        }

        /** @return a one-line description */
        public String label() {
            return label;
        }
    }

    /**
     * @param incidents          measured incidents
     * @param spacing            time between the starts of two incidents
     * @param seedsTimings       also run the seeds'-timings Prometheus + Alertmanager
     * @param backgroundRequests background requests per second (plus a quarter as many log lines)
     * @param warmup             background traffic (and two unmeasured incidents) before the first measured incident
     * @param timeout            how long after its crossing event an incident waits for every side
     */
    public record Settings(int incidents, Duration spacing, boolean seedsTimings, int backgroundRequests, Duration warmup,
                           Duration timeout) {
        public Settings {
            if (incidents < 1) {
                throw new IllegalArgumentException("Invalid value " + incidents + " for incidents: must be at least 1");
            }
            Objects.requireNonNull(spacing, "spacing");
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * What one run measured.
     *
     * @param settings     the settings
     * @param sides        sides measured
     * @param latenciesMs  per side and incident kind, latency of each incident that arrived, milliseconds, incident order
     * @param missed       per side and incident kind, incidents with no request within the timeout
     * @param eventsSent   raw events produced (background + incidents + warm-up)
     * @param seconds      wall time of the traffic
     * @param cpuSeconds   CPU seconds per process during the traffic (label → seconds)
     * @param configs      the configuration files used (name → content)
     */
    public record Result(Settings settings, List<Side> sides, Map<Side, Map<IncidentKind, List<Double>>> latenciesMs,
                         Map<Side, Map<IncidentKind, Integer>> missed, long eventsSent, double seconds, Map<String, Double> cpuSeconds,
                         Map<String, String> configs) {
        /** @return a side's latencies over all incident kinds, milliseconds */
        public List<Double> all(Side side) {
            return latenciesMs.get(side).values().stream().flatMap(List::stream).toList();
        }

        /** @return a side's missed incidents over all kinds */
        public int allMissed(Side side) {
            return missed.get(side).values().stream().mapToInt(Integer::intValue).sum();
        }

        /** @return measured incidents of a kind */
        public int incidents(IncidentKind kind) {
            int n = 0;
            for (int k = 0; k < settings.incidents(); k++) {
                if (IncidentKind.of(k) == kind) {
                    n++;
                }
            }
            return n;
        }
    }

    private AlertLatencyBench() {
    }

    /**
     * Runs the measurement against a running broker with none of Weir's topics in use.
     *
     * @param bootstrap the broker
     * @param broker    the broker's process, for its CPU time; may be null
     * @param dir       working directory (state, configs, Prometheus data, logs)
     * @param settings  what to run
     * @param out       progress lines
     * @return the figures
     * @throws Exception when a component fails to start
     */
    public static Result run(String bootstrap, ProcessHandle broker, Path dir, Settings settings, PrintStream out) throws Exception {
        Files.createDirectories(dir);
        List<Side> sides = new ArrayList<>(List.of(Side.WEIR, Side.PROMETHEUS_TUNED));
        if (settings.seedsTimings()) {
            sides.add(Side.PROMETHEUS_SEEDS);
        }
        Map<String, String> configs = new LinkedHashMap<>();
        List<ExternalProcess> externals = new ArrayList<>();
        try (SlackStub slack = new SlackStub()) {
            String weirRules = """
                    rules:
                      - alert: HighErrorRate
                        signal: error_ratio
                        group_by: [service]
                        window: 30s
                        op: ">"
                        threshold: 50%
                        min_events: 20
                        for: 0s
                        severity: critical
                        annotations:
                          summary: "High error rate on {{ $labels.service }}"
                      - alert: HighLatencyP95
                        signal: latency_quantile
                        quantile: 0.95
                        group_by: [service]
                        window: 30s
                        op: ">"
                        threshold: 2s
                        min_events: 20
                        for: 0s
                        severity: critical
                        annotations:
                          summary: "High latency on {{ $labels.service }}"
                      - alert: FailedLoginBurst
                        signal: failed_logins
                        group_by: [service, source_ip]
                        window: 1m
                        op: ">"
                        threshold: 10
                        for: 0s
                        severity: critical
                        annotations:
                          summary: "Failed-login burst from {{ $labels.source_ip }} on {{ $labels.service }}"
                    """;
            Path rulesFile = dir.resolve("weir-rules.yml");
            Files.writeString(rulesFile, weirRules);
            configs.put("Weir rules (weir-rules.yml)", weirRules);
            ProcessorConfig pc = ProcessorConfig.defaults(bootstrap).withHttpPort(0).withStateDir(dir.resolve("processor-state"))
                    .withApplicationId("bench-alert-latency").withRules(new ProcessorConfig.Rules(rulesFile, null, Duration.ofSeconds(1)));
            try (ProcessorApp processor = new ProcessorApp(pc, Clock.systemUTC())) {
                processor.start();
                int metricsPort = processor.httpPort();
                out.printf("processor RUNNING, /metrics on port %d%n", metricsPort);
                String weirAm = alertmanagerYml(slack.url(Side.WEIR.path), "0s");
                Path weirAmFile = dir.resolve("emitter-alertmanager.yml");
                Files.writeString(weirAmFile, weirAm);
                configs.put("alert-emitter alertmanager.yml", weirAm);
                try (EmitterApp emitter = new EmitterApp(new EmitterApp.Settings(weirAmFile, 0, bootstrap, null, null,
                        Clock.systemUTC(), line -> { })).start()) {
                    externals.addAll(startPrometheusSide(dir.resolve("prom-tuned"), "tuned", "1s", "0s", slack.url(Side.PROMETHEUS_TUNED.path),
                            metricsPort, configs));
                    if (settings.seedsTimings()) {
                        externals.addAll(startPrometheusSide(dir.resolve("prom-seeds"), "seeds", "15s", "30s",
                                slack.url(Side.PROMETHEUS_SEEDS.path), metricsPort, configs));
                    }
                    out.printf("Prometheus and Alertmanager ready (%d processes)%n", externals.size());
                    double jvm0 = Cpu.jvmSeconds();
                    double broker0 = broker == null ? Double.NaN : Cpu.seconds(broker);
                    Traffic traffic = new Traffic(bootstrap, settings, sides, slack, out);
                    traffic.run();
                    Map<String, Double> cpu = new LinkedHashMap<>();
                    cpu.put("bench JVM (processor + emitter + traffic generator + Slack stub)", Cpu.jvmSeconds() - jvm0);
                    if (broker != null) {
                        cpu.put("Kafka broker (child JVM)", Cpu.seconds(broker) - broker0);
                    }
                    for (ExternalProcess e : externals) {
                        cpu.put(e.name(), e.cpuSeconds());
                    }
                    Map<Side, Map<IncidentKind, List<Double>>> latencies = new EnumMap<>(Side.class);
                    Map<Side, Map<IncidentKind, Integer>> missed = new EnumMap<>(Side.class);
                    for (Side side : sides) {
                        Map<IncidentKind, List<Double>> l = new EnumMap<>(IncidentKind.class);
                        Map<IncidentKind, Integer> m = new EnumMap<>(IncidentKind.class);
                        for (IncidentKind kind : IncidentKind.values()) {
                            l.put(kind, new ArrayList<>());
                            m.put(kind, 0);
                        }
                        for (Traffic.Incident inc : traffic.measured()) {
                            Long arrival = traffic.arrivals.get(side.path + " " + inc.service);
                            if (arrival == null || inc.crossingNanos == 0) {
                                m.merge(inc.kind, 1, Integer::sum);
                            } else {
                                l.get(inc.kind).add((arrival - inc.crossingNanos) / 1e6);
                            }
                        }
                        latencies.put(side, l);
                        missed.put(side, m);
                    }
                    return new Result(settings, sides, latencies, missed, traffic.sent, traffic.seconds, cpu, configs);
                }
            }
        } finally {
            for (ExternalProcess e : externals) {
                e.close();
            }
        }
    }

    private static List<ExternalProcess> startPrometheusSide(Path dir, String name, String interval, String groupWait, String slackUrl,
                                                             int metricsPort, Map<String, String> configs) throws IOException {
        Files.createDirectories(dir);
        List<ExternalProcess> started = new ArrayList<>();
        try {
            String am = alertmanagerYml(slackUrl, groupWait);
            Files.writeString(dir.resolve("alertmanager.yml"), am);
            configs.put("Alertmanager (" + name + ") alertmanager.yml", am);
            int amPort = ExternalProcess.freePort();
            started.add(ExternalProcess.start("alertmanager-" + name, dir, amPort, List.of("/usr/bin/prometheus-alertmanager",
                    "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am-data"),
                    "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=")));
            String rules = """
                    groups:
                      - name: bench
                        rules:
                          - alert: HighErrorRate
                            expr: sum by (service) (rate(http_requests_total{status=~"5.."}[30s])) / sum by (service) (rate(http_requests_total[30s])) > 0.5
                            for: 0s
                            labels:
                              severity: critical
                            annotations:
                              summary: "High error rate on {{ $labels.service }}"
                          - alert: HighLatencyP95
                            expr: histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[30s]))) > 2
                            for: 0s
                            labels:
                              severity: critical
                            annotations:
                              summary: "High latency on {{ $labels.service }}"
                          - alert: FailedLoginBurst
                            expr: sum by (service) (increase(failed_login_attempts_total[1m])) > 10
                            for: 0s
                            labels:
                              severity: critical
                            annotations:
                              summary: "Failed-login burst on {{ $labels.service }}"
                    """;
            Files.writeString(dir.resolve("rules.yml"), rules);
            configs.put("Prometheus rules.yml (both Prometheus runs)", rules);
            String prom = """
                    global:
                      scrape_interval: %s
                      evaluation_interval: %s
                    rule_files: ['rules.yml']
                    alerting:
                      alertmanagers:
                        - api_version: v2
                          static_configs:
                            - targets: ['127.0.0.1:%d']
                    scrape_configs:
                      - job_name: weir-processor
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(interval, interval, amPort, metricsPort);
            Files.writeString(dir.resolve("prometheus.yml"), prom);
            configs.put("Prometheus (" + name + ") prometheus.yml", prom);
            int promPort = ExternalProcess.freePort();
            started.add(ExternalProcess.start("prometheus-" + name, dir, promPort, List.of("/usr/bin/prometheus",
                    "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + promPort)));
            return started;
        } catch (IOException | RuntimeException e) {
            started.forEach(ExternalProcess::close);
            throw e;
        }
    }

    static String alertmanagerYml(String slackUrl, String groupWait) {
        return """
                route:
                  receiver: slack
                  group_by: ['alertname', 'service']
                  group_wait: %s
                  group_interval: 5m
                  repeat_interval: 4h
                receivers:
                  - name: slack
                    slack_configs:
                      - api_url: '%s'
                        channel: '#bench'
                        title: '{{ .CommonLabels.alertname }} {{ .CommonLabels.service }}'
                        text: '{{ .CommonAnnotations.summary }}'
                """.formatted(groupWait, slackUrl);
    }

    /** The traffic generator: one thread, paced in 5 ms steps; not thread-safe. */
    static final class Traffic {
        static final class Incident {
            final String service;
            final IncidentKind kind;
            final long startNanos;
            final boolean measured;
            /** source IP of a login burst: fresh per incident */
            final String sourceIp;
            int next;
            long crossingNanos;
            boolean done;

            Incident(String service, IncidentKind kind, int number, long startNanos, boolean measured) {
                this.service = service;
                this.kind = kind;
                this.startNanos = startNanos;
                this.measured = measured;
                this.sourceIp = String.format("10.%d.%d.%d", measured ? 77 : 78, (number / 250) % 250 + 1, number % 250 + 1);
            }
        }

        private final String bootstrap;
        private final Settings settings;
        private final List<Side> sides;
        private final SlackStub slack;
        private final PrintStream out;
        private final List<Incident> incidents = new ArrayList<>();
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        private final Random rnd = new Random(42);
        private int seenRequests;
        long sent;
        double seconds;

        Traffic(String bootstrap, Settings settings, List<Side> sides, SlackStub slack, PrintStream out) {
            this.bootstrap = bootstrap;
            this.settings = settings;
            this.sides = sides;
            this.slack = slack;
            this.out = out;
        }

        List<Incident> measured() {
            return incidents.stream().filter(i -> i.measured).toList();
        }

        void run() throws InterruptedException {
            long t0 = System.nanoTime();
            // one unmeasured warm-up incident of each kind
            for (IncidentKind kind : IncidentKind.values()) {
                incidents.add(new Incident(String.format("wrm-%04d", kind.ordinal()), kind, kind.ordinal(),
                        t0 + kind.ordinal() * settings.warmup().toNanos() / 4, false));
            }
            // A random offset within each slot: crossings must not keep one phase of Prometheus's scrape and evaluation clocks.
            Random phase = new Random(7);
            for (int k = 0; k < settings.incidents(); k++) {
                long offset = (long) (phase.nextDouble() * settings.spacing().toNanos());
                incidents.add(new Incident(String.format("inc-%04d", k), IncidentKind.of(k), k,
                        t0 + settings.warmup().toNanos() + k * settings.spacing().toNanos() + offset, true));
            }
            long bgSent = 0;
            long logsSent = 0;
            long lastReport = t0;
            long deadline = t0 + settings.warmup().toNanos() + settings.incidents() * settings.spacing().toNanos()
                    + Duration.ofSeconds(15).toNanos() + settings.timeout().toNanos();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(bootstrap, "bench-traffic"),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                while (true) {
                    long now = System.nanoTime();
                    long elapsed = now - t0;
                    long bgDue = elapsed * settings.backgroundRequests() / 1_000_000_000L;
                    while (bgSent < bgDue) {
                        background(producer);
                        bgSent++;
                    }
                    long logsDue = elapsed * settings.backgroundRequests() / 4 / 1_000_000_000L;
                    while (logsSent < logsDue) {
                        log(producer);
                        logsSent++;
                    }
                    collectArrivals();
                    boolean allDone = true;
                    for (Incident inc : incidents) {
                        if (inc.done) {
                            continue;
                        }
                        allDone = false;
                        while (inc.startNanos + inc.next * INCIDENT_INTERVAL.toNanos() <= now) {
                            boolean bad = inc.kind.bad(inc.next);
                            String topic = Topics.RAW_REQUESTS;
                            ObjectNode event = switch (inc.kind) {
                                case ERROR_SPIKE -> request(inc.service, "/checkout", bad ? 500 : 200, 20 + rnd.nextInt(30));
                                case LATENCY_REGRESSION -> request(inc.service, "/checkout", 200,
                                        bad ? IncidentKind.SLOW_MS : 20 + rnd.nextInt(30));
                                case LOGIN_BURST -> {
                                    topic = Topics.RAW_LOGS;
                                    yield failedLogin(inc.service, inc.sourceIp, USERS[rnd.nextInt(USERS.length)]);
                                }
                            };
                            byte[] value = bytes(event);
                            if (inc.next == inc.kind.crossingIndex()) {
                                inc.crossingNanos = System.nanoTime();
                            }
                            send(producer, topic, inc.service, value);
                            inc.next++;
                        }
                        if (inc.crossingNanos != 0 && (arrivedEverywhere(inc) || now - inc.crossingNanos > settings.timeout().toNanos())) {
                            inc.done = true; // the service goes quiet
                        }
                    }
                    if (allDone || now > deadline) {
                        break;
                    }
                    if (now - lastReport > Duration.ofSeconds(10).toNanos()) {
                        lastReport = now;
                        long active = incidents.stream().filter(i -> !i.done && i.startNanos <= now).count();
                        long finished = incidents.stream().filter(i -> i.done).count();
                        out.printf("  %3.0f s: %d events sent, incidents active %d, finished %d of %d, Slack requests %d%n",
                                elapsed / 1e9, sent, active, finished, incidents.size(), seenRequests);
                    }
                    Thread.sleep(5); // pacing of the generator, not synchronisation
                }
                producer.flush();
            }
            collectArrivals();
            seconds = (System.nanoTime() - t0) / 1e9;
        }

        private boolean arrivedEverywhere(Incident inc) {
            for (Side s : sides) {
                if (!arrivals.containsKey(s.path + " " + inc.service)) {
                    return false;
                }
            }
            return true;
        }

        private void collectArrivals() {
            List<SlackStub.Request> all = slack.requests();
            for (int i = seenRequests; i < all.size(); i++) {
                SlackStub.Request r = all.get(i);
                Matcher m = SERVICE.matcher(r.body());
                while (m.find()) {
                    arrivals.putIfAbsent(r.path() + " " + m.group(), r.arrivalNanos());
                }
            }
            seenRequests = all.size();
        }

        private void background(KafkaProducer<byte[], byte[]> producer) {
            String service = String.format("bg-%02d", rnd.nextInt(BACKGROUND_SERVICES));
            int status = rnd.nextInt(100) == 0 ? 503 : 200;
            String[] routes = {"/orders/" + rnd.nextInt(10_000), "/products/" + rnd.nextInt(10_000), "/search", "/cart"};
            send(producer, Topics.RAW_REQUESTS, service, request(service, routes[rnd.nextInt(routes.length)], status,
                    Math.round(20 * Math.exp(rnd.nextGaussian()) * 100) / 100.0));
        }

        private void log(KafkaProducer<byte[], byte[]> producer) {
            String service = String.format("bg-%02d", rnd.nextInt(BACKGROUND_SERVICES));
            ObjectNode n = JSON.createObjectNode().put("@timestamp", Instant.now().toString()).put("service.name", service)
                    .put("log.level", rnd.nextInt(20) == 0 ? "ERROR" : "INFO")
                    .put("message", "Handled order " + rnd.nextInt(100_000) + " in " + rnd.nextInt(300) + " ms")
                    .put("log.logger", "dev.shop.OrderService");
            send(producer, Topics.RAW_LOGS, service, n);
        }

        private static ObjectNode failedLogin(String service, String sourceIp, String user) {
            ObjectNode n = JSON.createObjectNode().put("@timestamp", Instant.now().toString()).put("service.name", service)
                    .put("log.level", "WARN").put("message", "Login failed for user " + user)
                    .put("log.logger", "dev.shop.AuthController").put("event.category", "authentication")
                    .put("event.action", "user-login").put("event.outcome", "failure").put("source.ip", sourceIp)
                    .put("user.name", user);
            return n;
        }

        private static ObjectNode request(String service, String path, int status, double durationMs) {
            return JSON.createObjectNode().put("@timestamp", Instant.now().toString()).put("service", service).put("method", "GET")
                    .put("path", path).put("status", status).put("duration_ms", durationMs);
        }

        private void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, ObjectNode value) {
            send(producer, topic, key, bytes(value));
        }

        private void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
            sent++;
        }

        private static byte[] bytes(ObjectNode value) {
            try {
                return JSON.writeValueAsBytes(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("Cannot serialise a generated event", e);
            }
        }
    }
}

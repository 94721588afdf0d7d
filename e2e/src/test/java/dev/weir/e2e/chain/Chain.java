package dev.weir.e2e.chain;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.LocalStack;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole chain on this machine: a Kafka broker and an Elasticsearch node (local-stack), Weir's topics, the
 * receivers (a Slack stub, a webhook stub, GreenMail for e-mail), and the four components, each a child JVM
 * started as {@code weir <component> --config FILE} with the YAML a user would write: the agent tails a JSON log
 * file and serves its HTTP intake, the processor runs the rule file below, the sink indexes into the node, the
 * emitter routes every alert to the three receivers. Not thread-safe.
 */
public final class Chain implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Chain.class);
    private static final Duration READY = Duration.ofSeconds(180);

    /** The alert rule of the run: more than 25 % of a service's requests answered 5xx over 15 s, from 10 requests. */
    public static final String RULE = "E2eErrorSpike";
    /** The rule's window. */
    public static final Duration RULE_WINDOW = Duration.ofSeconds(15);
    /** The processor's {@code measure.window}. */
    public static final Duration MEASURE_WINDOW = Duration.ofSeconds(10);
    /** The processor's {@code measure.grace}. */
    public static final Duration MEASURE_GRACE = Duration.ofSeconds(10);

    private final Path dir;
    private final LocalStack stack;
    private final RecordingReceiver slack;
    private final RecordingReceiver webhook;
    private final GreenMail mail;
    private final Path tailedFile;
    private final WeirProcess processor;
    private final WeirProcess sink;
    private final WeirProcess emitter;
    private final WeirProcess agent;

    private Chain(Path dir, LocalStack stack, RecordingReceiver slack, RecordingReceiver webhook, GreenMail mail, Path tailedFile,
                  WeirProcess processor, WeirProcess sink, WeirProcess emitter, WeirProcess agent) {
        this.dir = dir;
        this.stack = stack;
        this.slack = slack;
        this.webhook = webhook;
        this.mail = mail;
        this.tailedFile = tailedFile;
        this.processor = processor;
        this.sink = sink;
        this.emitter = emitter;
        this.agent = agent;
    }

    /**
     * Starts everything and waits until every component is ready.
     *
     * @param dir         the run's directory (stack data, configuration files, component logs); readable by others,
     *                    since Elasticsearch runs as another user when this JVM is root
     * @param fileService the service the agent gives the tailed file's lines
     * @return the running chain
     */
    public static Chain start(Path dir, String fileService) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Elasticsearch starts while the components that do not need it start
        LocalStack stack = LocalStack.start(dir.resolve("stack"), false);
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(stack);
        try {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
                TopicSetup.ensure(admin, 3, (short) 1);
            }
            RecordingReceiver slack = RecordingReceiver.start("slack");
            opened.add(slack);
            RecordingReceiver webhook = RecordingReceiver.start("webhook");
            opened.add(webhook);
            GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            mail.start();
            opened.add(mail::stop);

            Path logs = Files.createDirectories(dir.resolve("logs"));
            Path appLogs = Files.createDirectories(dir.resolve("app-logs"));
            Path tailed = appLogs.resolve(fileService + ".json");
            Files.createFile(tailed);
            String kafka = "kafka:\n  bootstrap-servers: \"" + stack.kafka().bootstrapServers() + "\"\n";
            List<String> jvm = List.of("-Xmx384m", TempDirs.childTmpdirOption(dir));

            write(dir, "rules.yml", """
                    rules:
                      - alert: %s
                        signal: error_ratio
                        group_by: [service]
                        window: %ds
                        threshold: 25%%
                        min_events: 10
                        severity: critical
                        annotations:
                          summary: "{{ $labels.service }} answers {{ $value | humanizePercentage }} of its requests with 5xx"
                    """.formatted(RULE, RULE_WINDOW.toSeconds()));
            int processorPort = freePort();
            Path processorYml = write(dir, "processor.yml", kafka + """
                    http: {host: 127.0.0.1, port: %d}
                    application-id: weir-e2e
                    state-dir: "%s"
                    session-timeout: 6s
                    measure: {window: %ds, grace: %ds}
                    rules: {path: "%s"}
                    """.formatted(processorPort, dir.resolve("processor-state"), MEASURE_WINDOW.toSeconds(),
                    MEASURE_GRACE.toSeconds(), dir.resolve("rules.yml")));
            int sinkPort = freePort();
            String sinkKafka = kafka + """
                      group-id: weir-e2e-sink
                      properties: {session.timeout.ms: 6000, heartbeat.interval.ms: 2000}
                    http: {host: 127.0.0.1, port: %d}
                    """.formatted(sinkPort);
            int emitterPort = freePort();
            write(dir, "alertmanager.yml", """
                    global:
                      smtp_smarthost: "127.0.0.1:%d"
                      smtp_from: weir@e2e.test
                      smtp_require_tls: false
                    route:
                      receiver: on-call
                      group_by: [alertname, service]
                      group_wait: 0s
                      group_interval: 2s
                      repeat_interval: 4h
                    receivers:
                      - name: on-call
                        slack_configs: [{api_url: "%s", channel: "#e2e", send_resolved: true}]
                        webhook_configs: [{url: "%s", send_resolved: true}]
                        email_configs: [{to: oncall@e2e.test, send_resolved: true}]
                    """.formatted(mail.getSmtp().getPort(), slack.url("/services/T000/B000/e2e"), webhook.url("/hook")));
            Path emitterYml = write(dir, "emitter.yml", kafka + """
                    http: {host: 127.0.0.1, port: %d}
                    alertmanager-config: alertmanager.yml
                    external-url: "http://127.0.0.1:%d"
                    """.formatted(emitterPort, emitterPort));
            int agentPort = freePort();
            Path agentYml = write(dir, "agent.yml", kafka + """
                    service: {name: e2e-agent, environment: e2e}
                    http: {host: 127.0.0.1, port: %d}
                    data-dir: "%s"
                    files:
                      - name: %s
                        paths: ["%s*"]
                        service: %s
                    """.formatted(agentPort, dir.resolve("agent-data"), fileService, tailed, fileService));

            WeirProcess processor = new WeirProcess("processor", processorYml, logs.resolve("processor.log"), processorPort, jvm);
            WeirProcess sink = new WeirProcess("sink", dir.resolve("sink.yml"), logs.resolve("sink.log"), sinkPort, jvm);
            WeirProcess emitter = new WeirProcess("emitter", emitterYml, logs.resolve("emitter.log"), emitterPort, jvm);
            WeirProcess agent = new WeirProcess("agent", agentYml, logs.resolve("agent.log"), agentPort, jvm);
            Chain chain = new Chain(dir, stack, slack, webhook, mail, tailed, processor, sink, emitter, agent);
            opened.clear();
            try {
                processor.start();
                emitter.start();
                agent.start();
                write(dir, "sink.yml", sinkKafka + "elasticsearch: {url: \"" + stack.elasticsearch().httpUrl() + "\"}\n");
                sink.start();
                awaitReady(chain.components());
            } catch (Exception | Error e) {
                chain.close();
                throw e;
            }
            return chain;
        } catch (Exception | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Waits, in parallel, until each component is ready. */
    public static void awaitReady(List<WeirProcess> components) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(components.size());
        try {
            List<Future<?>> waits = new ArrayList<>();
            for (WeirProcess p : components) {
                waits.add(pool.submit(() -> p.awaitReady(READY)));
            }
            for (Future<?> w : waits) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return the four components, in the order they start: processor, sink, emitter, agent */
    public List<WeirProcess> components() {
        return List.of(processor, sink, emitter, agent);
    }

    public WeirProcess processor() {
        return processor;
    }

    public WeirProcess sink() {
        return sink;
    }

    public WeirProcess emitter() {
        return emitter;
    }

    public WeirProcess agent() {
        return agent;
    }

    public KafkaBroker kafka() {
        return stack.kafka();
    }

    public ElasticsearchNode elasticsearch() {
        return stack.elasticsearch();
    }

    public RecordingReceiver slack() {
        return slack;
    }

    public RecordingReceiver webhook() {
        return webhook;
    }

    public GreenMail mail() {
        return mail;
    }

    /** @return the JSON log file the agent tails */
    public Path tailedFile() {
        return tailedFile;
    }

    /** @return the run's directory */
    public Path dir() {
        return dir;
    }

    /** Stops the components (SIGTERM), the receivers, Elasticsearch and Kafka; never throws. */
    @Override
    public void close() {
        List<WeirProcess> reversed = new ArrayList<>(components());
        java.util.Collections.reverse(reversed);
        for (WeirProcess p : reversed) {
            try {
                p.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed", p, e);
            }
        }
        slack.close();
        webhook.close();
        mail.stop();
        stack.close();
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

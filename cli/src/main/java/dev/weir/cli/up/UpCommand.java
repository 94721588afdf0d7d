package dev.weir.cli.up;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import dev.weir.cli.demo.DemoOptions;
import dev.weir.cli.demo.DemoRunner;
import dev.weir.cli.demo.DemoTraffic;
import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.common.kafka.Topics;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.processor.rules.RuleException;
import dev.weir.processor.rules.RuleSet;
import dev.weir.stack.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir up}: the whole system on this machine. Starts a real Kafka broker and a real
 * Elasticsearch (local-stack), creates Weir's topics, starts every component, sends the demo
 * traffic (unless {@code --no-demo}) and the user's own files ({@code --tail}), and prints a live
 * one-line status until Ctrl-C (or {@code --duration}), then stops the demo, the components,
 * Elasticsearch and Kafka, in that order, and leaves no process behind. The servers run in a
 * process group of their own, so a Ctrl-C reaches only this JVM, which stops them last. Each run
 * starts from an empty data directory, so a second {@code weir up} right after needs no clean-up.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run Weir end to end on this machine: broker, Elasticsearch, all components, demo traffic.")
public final class UpCommand implements Runnable {
    @Option(names = "--dir", defaultValue = ".weir", description = "Where data and logs go (default ${DEFAULT-VALUE}); emptied at start.")
    Path dir;

    @CommandLine.Mixin
    DemoOptions demo;

    @Option(names = "--no-elasticsearch", description = "Start without Elasticsearch (faster; nothing is indexed).")
    boolean noElasticsearch;

    @Option(names = "--no-demo", description = "Send no demo traffic: run Weir on your own logs (--tail, the agent's HTTP intake).")
    boolean noDemo;

    @Option(names = "--tail", paramLabel = "PATH[:PARSER[:SERVICE]]", converter = TailSpec.Converter.class,
            description = "A file (or glob) for the agent to tail; PARSER json (default), nginx, apache, gunicorn, uvicorn or sshd;"
                    + " SERVICE for events without one (default: the file name up to its first dot). Repeatable.")
    List<TailSpec> tails = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "PATH",
            description = "Alert rules file or directory for the processor (default: the demo pack with the demo, else the default pack).")
    Path rules;

    @Option(names = "--alertmanager", paramLabel = "FILE",
            description = "alertmanager.yml for the emitter's routing and receivers (default: every alert to a local demo inbox).")
    Path alertmanager;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address every component's HTTP server listens on (default ${DEFAULT-VALUE}: this machine only)."
                    + " 0.0.0.0 opens them to the network, without a token.")
    String host;

    @Option(names = "--secure", description = "Run on a SASL_SSL broker (SCRAM-SHA-512, TLS) and an Elasticsearch with security on"
            + " (HTTPS, a user), with certificates and passwords made for this run.")
    boolean secure;

    @Option(names = "--status-interval", defaultValue = "PT2S", description = "How often the status line is refreshed (default ${DEFAULT-VALUE}).")
    Duration statusInterval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final List<AutoCloseable> running = new ArrayList<>();
    private StatusConsole console;
    private boolean loopbackOnly;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Open while the status loop runs; the shutdown hook waits for it before closing what the loop uses. */
    private volatile CountDownLatch statusLoopRunning = new CountDownLatch(0);

    @Override
    public void run() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        console = new StatusConsole(out, StatusConsole.isTerminal());
        Path root = dir.toAbsolutePath();
        Path logFile = root.resolve("logs").resolve("weir.log");
        prepare(root, logFile);
        Thread hook = new Thread(() -> stopAll(out), "weir-up-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runUntilStopped(out, root, logFile);
        } finally {
            stopAll(out);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running and does the same work.
            }
        }
    }

    /** Checks every option, and reads the user's rules and routing, before anything starts. */
    private void validate() {
        demo.validate();
        if (statusInterval.toMillis() < 100) {
            throw new IllegalArgumentException("Invalid value " + statusInterval + " for --status-interval: must be at least PT0.1S");
        }
        try {
            loopbackOnly = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Invalid value " + host + " for --host: not an address of this machine");
        }
        if (rules != null) {
            try {
                RuleSet.load(rules);
            } catch (RuleException e) {
                throw new IllegalArgumentException("Invalid value " + rules + " for --rules: " + e.getMessage(), e);
            }
        }
        if (alertmanager != null) {
            try {
                AlertmanagerConfigLoader.load(alertmanager, System.getenv());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Invalid value " + alertmanager + " for --alertmanager: " + e.getMessage(), e);
            }
        }
    }

    private void runUntilStopped(PrintWriter out, Path root, Path logFile) {
        out.println("weir up: starting Kafka" + (noElasticsearch ? "" : " and Elasticsearch") + " under " + root);
        out.flush();
        LocalStack stack;
        try {
            stack = secure ? SecureStack.start(root.resolve("stack"), !noElasticsearch) : LocalStack.start(root.resolve("stack"), !noElasticsearch);
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the local stack: " + e.getMessage(), e);
        }
        stack.leaveShutdownToOwner(); // our hook stops it, after the components that use it
        running.add(stack);
        KafkaSettings kafka = secure ? SecureStack.kafka(stack) : KafkaSettings.plaintext(stack.kafka().bootstrapServers());
        ElasticsearchSettings elasticsearch = noElasticsearch ? null
                : secure ? SecureStack.elasticsearch(stack) : ElasticsearchSettings.of(URI.create(stack.elasticsearch().httpUrl()));
        String bootstrap = kafka.bootstrapServers();
        String esUrl = elasticsearch == null ? null : elasticsearch.url().toString();
        Admin admin = Admin.create(KafkaClients.admin(kafka, "weir-up"));
        running.add(admin);
        TopicSetup.ensure(admin, 3, (short) 1);

        UpEnvironment env = new UpEnvironment(kafka, elasticsearch, root.resolve("components"), host);
        List<String> where = new ArrayList<>();
        List<String> first = new ArrayList<>();
        UpOptions options = new UpOptions(!noDemo, tails, rules, alertmanager);
        for (UpComponent component : UpComponents.all(console, logFile, options)) {
            out.println("weir up: starting " + component.name());
            out.flush();
            running.add(component);
            try {
                component.start(env);
            } catch (Exception e) {
                throw new IllegalStateException("Could not start " + component.name() + ": " + e.getMessage(), e);
            }
            (component.listFirst() ? first : where).addAll(component.whereToLook());
        }

        DemoRunner runner = noDemo ? null : startDemo(kafka);

        out.println();
        out.println("Where to look:");
        first.forEach(line -> out.println("  " + line));
        out.println("  kafka          " + bootstrap + "   (topics: " + String.join(", ", Topics.ALL) + ")");
        if (esUrl != null) {
            out.println("  elasticsearch  " + esUrl + "   (try " + esUrl + "/_cat/indices?v)");
        }
        if (secure) {
            try {
                SecureStack.whereToLook(stack, !noElasticsearch).forEach(line -> out.println("  " + line));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot write the credentials of the secured stack: " + e.getMessage(), e);
            }
        }
        where.forEach(line -> out.println("  " + line));
        out.println("  weir's logs    " + logFile);
        if (!loopbackOnly) {
            out.println("Note: the HTTP servers listen on " + host + " without a token: anyone who reaches this machine can read"
                    + " the query API (user names, IPs) and post alerts. Use --host 127.0.0.1 unless that is what you want.");
        }
        if (noDemo) {
            out.println("No demo traffic: send your own to the agent's intake or with --tail.");
        }
        out.println("Press Ctrl-C to stop." + (demo.duration().isZero() ? "" : " Stops by itself after " + demo.duration() + "."));
        out.println();
        out.flush();
        StackStatus status = new StackStatus(admin, kafka, elasticsearch);
        running.add(status);
        statusLoop(status, runner);
    }

    /** Starts the demo traffic in a thread of its own; it is stopped first, before the components. */
    private DemoRunner startDemo(KafkaSettings kafka) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka, "weir-demo"),
                new StringSerializer(), new ByteArraySerializer());
        // bounded: the producer's delivery timeout is unbounded, and nothing the demo sends is worth a hang
        running.add(() -> producer.close(Duration.ofSeconds(5)));
        DemoRunner runner = new DemoRunner(new DemoTraffic(Topics.RAW_LOGS, Topics.RAW_REQUESTS, Clock.systemUTC(),
                new Random(), demo.cycle()), producer, demo.rate(), Duration.ZERO);
        running.add(() -> runner.stopAndWait(Duration.ofSeconds(10)));
        Thread demoThread = new Thread(runner, "weir-demo");
        demoThread.setDaemon(true);
        demoThread.start();
        return runner;
    }

    private void statusLoop(StackStatus status, DemoRunner runner) {
        statusLoopRunning = new CountDownLatch(1);
        try {
            if (!stopping.get()) {
                runStatusLoop(status, runner);
            }
        } finally {
            console.endStatus();
            statusLoopRunning.countDown();
        }
    }

    private void runStatusLoop(StackStatus status, DemoRunner runner) {
        long deadline = demo.duration().isZero() ? Long.MAX_VALUE : System.nanoTime() + demo.duration().toNanos();
        StackStatus.Snapshot previous = status.read();
        while (!stopping.get() && System.nanoTime() < deadline) {
            try {
                if (stopped.await(statusInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            StackStatus.Snapshot now = status.read();
            String line = StackStatus.line(previous, now);
            if (runner != null) {
                line += " · demo: " + runner.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            }
            console.status(line);
            previous = now;
        }
    }

    private void stopAll(PrintWriter out) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        stopped.countDown();
        try {
            // The loop notices within one poll (at most about half a second).
            statusLoopRunning.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println();
        out.println("weir up: stopping");
        out.flush();
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LoggerFactory.getLogger(UpCommand.class).warn("Error while stopping {}", running.get(i), e);
            }
        }
        running.clear();
        out.println("weir up: stopped");
        out.flush();
    }

    /** Empties the data directory and sends Weir's own JSON logs to a file, keeping the terminal for status. */
    private static void prepare(Path root, Path logFile) {
        try {
            if (Files.exists(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            Files.createDirectories(logFile.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare " + root + ": " + e.getMessage()
                    + "; remove it or choose another --dir", e);
        }
        System.setProperty("weir.log.file", logFile.toString());
        System.setProperty("weir.log.target", "JSON_FILE");
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (ch.qos.logback.core.joran.spi.JoranException e) {
                throw new IllegalStateException("Cannot configure logging: " + e.getMessage(), e);
            }
        }
    }
}

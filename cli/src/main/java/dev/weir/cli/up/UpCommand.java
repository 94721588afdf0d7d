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
import dev.weir.stack.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * traffic and prints a live one-line status until Ctrl-C (or {@code --duration}), then stops
 * everything and leaves no process behind. Each run starts from an empty data directory, so
 * a second {@code weir up} right after needs no clean-up.
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

    @Option(names = "--secure", description = "Run on a SASL_SSL broker (SCRAM-SHA-512, TLS) and an Elasticsearch with security on"
            + " (HTTPS, a user), with certificates and passwords made for this run.")
    boolean secure;

    @Option(names = "--status-interval", defaultValue = "PT2S", description = "How often the status line is refreshed (default ${DEFAULT-VALUE}).")
    Duration statusInterval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Open while the status loop runs; the shutdown hook waits for it before closing what the loop uses. */
    private volatile CountDownLatch statusLoopRunning = new CountDownLatch(0);

    @Override
    public void run() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
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

    /** Checks every option before anything starts. */
    private void validate() {
        demo.validate();
        if (statusInterval.toMillis() < 100) {
            throw new IllegalArgumentException("Invalid value " + statusInterval + " for --status-interval: must be at least PT0.1S");
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
        running.add(stack);
        KafkaSettings kafka = secure ? SecureStack.kafka(stack) : KafkaSettings.plaintext(stack.kafka().bootstrapServers());
        ElasticsearchSettings elasticsearch = noElasticsearch ? null
                : secure ? SecureStack.elasticsearch(stack) : ElasticsearchSettings.of(URI.create(stack.elasticsearch().httpUrl()));
        String bootstrap = kafka.bootstrapServers();
        String esUrl = elasticsearch == null ? null : elasticsearch.url().toString();
        Admin admin = Admin.create(KafkaClients.admin(kafka, "weir-up"));
        running.add(admin);
        TopicSetup.ensure(admin, 3, (short) 1);

        UpEnvironment env = new UpEnvironment(kafka, elasticsearch, root.resolve("components"));
        List<String> where = new ArrayList<>();
        for (UpComponent component : UpComponents.all(out, logFile)) {
            out.println("weir up: starting " + component.name());
            out.flush();
            running.add(component);
            try {
                component.start(env);
            } catch (Exception e) {
                throw new IllegalStateException("Could not start " + component.name() + ": " + e.getMessage(), e);
            }
            where.addAll(component.whereToLook());
        }

        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka, "weir-demo"),
                new StringSerializer(), new ByteArraySerializer());
        running.add(producer);
        DemoRunner runner = new DemoRunner(new DemoTraffic(Topics.RAW_LOGS, Topics.RAW_REQUESTS, Clock.systemUTC(),
                new Random(), demo.cycle()), producer, demo.rate(), Duration.ZERO);
        running.add(() -> runner.stopAndWait(Duration.ofSeconds(10)));
        Thread demoThread = new Thread(runner, "weir-demo");
        demoThread.setDaemon(true);
        demoThread.start();

        out.println();
        out.println("Where to look:");
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
        out.println("Press Ctrl-C to stop." + (demo.duration().isZero() ? "" : " Stops by itself after " + demo.duration() + "."));
        out.println();
        out.flush();
        StackStatus status = new StackStatus(admin, kafka, elasticsearch);
        running.add(status);
        statusLoop(out, status, runner);
    }

    private void statusLoop(PrintWriter out, StackStatus status, DemoRunner runner) {
        statusLoopRunning = new CountDownLatch(1);
        try {
            if (!stopping.get()) {
                runStatusLoop(out, status, runner);
            }
        } finally {
            statusLoopRunning.countDown();
        }
    }

    private void runStatusLoop(PrintWriter out, StackStatus status, DemoRunner runner) {
        boolean terminal = System.console() != null;
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
            String line = StackStatus.line(previous, now) + " · demo: " + runner.phase().name().toLowerCase().replace('_', ' ');
            if (terminal) {
                out.print("\r" + line + "   ");
            } else {
                out.println(line);
            }
            out.flush();
            previous = now;
        }
        if (terminal) {
            out.println();
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

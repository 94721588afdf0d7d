package dev.weir.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker and, when wanted, an Elasticsearch node under one base directory
 * ({@code <baseDir>/kafka}, {@code <baseDir>/elasticsearch}): what Weir's integration tests and
 * {@code weir up} run against.
 *
 * <p>Thread-safe.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final Path baseDir;
    private final KafkaBroker kafka;
    private final Secured secured; // null: plaintext Kafka, Elasticsearch without security
    private ElasticsearchNode elasticsearch; // guarded by this
    private RuntimeException elasticsearchFailure; // guarded by this
    private boolean closed; // guarded by this
    private boolean ownerStops; // guarded by this

    private LocalStack(Path baseDir, KafkaBroker kafka, Secured secured) {
        this.baseDir = baseDir;
        this.kafka = kafka;
        this.secured = secured;
    }

    /**
     * The users of a secured stack.
     *
     * @param kafkaUsers            Kafka user name to password (SCRAM and PLAIN)
     * @param elasticsearchUser     the Elasticsearch superuser (file realm)
     * @param elasticsearchPassword its password
     */
    public record Secured(java.util.Map<String, String> kafkaUsers, String elasticsearchUser, String elasticsearchPassword) {
        @Override
        public String toString() {
            return "Secured[kafkaUsers=" + kafkaUsers.keySet() + ", elasticsearchUser=" + elasticsearchUser + "]";
        }
    }

    /**
     * Starts a secured broker ({@link KafkaBroker#startSecured}) and, if asked, a secured
     * Elasticsearch ({@link ElasticsearchNode#startSecured}), each with certificates of its own CA.
     *
     * @param baseDir           directory for both servers' files
     * @param users             the users to create
     * @param withElasticsearch whether to start Elasticsearch now rather than on first use
     * @return the running stack
     * @throws IOException when a server does not start; nothing is left running then
     */
    public static LocalStack startSecured(Path baseDir, Secured users, boolean withElasticsearch) throws IOException {
        Objects.requireNonNull(users, "users");
        Path dir = baseDir.toAbsolutePath();
        LocalStack stack = new LocalStack(dir, KafkaBroker.startSecured(dir.resolve("kafka"), users.kafkaUsers()), users);
        if (withElasticsearch) {
            try {
                stack.startElasticsearch();
            } catch (IOException | RuntimeException e) {
                stack.close();
                throw e;
            }
        }
        return stack;
    }

    /**
     * Starts the Kafka broker and, if asked, Elasticsearch, each waiting until ready.
     *
     * @param baseDir           directory for both servers' files; created if missing, reused
     *                          (with earlier topics and indices) if it holds an earlier stack
     * @param withElasticsearch whether to start Elasticsearch now (about 5-30 s, depending on the
     *                          machine) rather than on the first call of {@link #elasticsearch()}
     * @return the running stack
     * @throws IOException when a server does not start; nothing is left running then
     */
    public static LocalStack start(Path baseDir, boolean withElasticsearch) throws IOException {
        Objects.requireNonNull(baseDir, "baseDir");
        Path dir = baseDir.toAbsolutePath();
        LocalStack stack = new LocalStack(dir, KafkaBroker.start(dir.resolve("kafka")), null);
        if (withElasticsearch) {
            try {
                stack.startElasticsearch();
            } catch (IOException | RuntimeException e) {
                stack.close();
                throw e;
            }
        }
        return stack;
    }

    /** @return the Kafka broker */
    public KafkaBroker kafka() {
        return kafka;
    }

    /**
     * The Elasticsearch node, started now (and waited for) if this is the first call.
     *
     * @return the running node
     * @throws UncheckedIOException  when it does not start; later calls throw the same failure at once
     * @throws IllegalStateException when the stack is closed
     */
    public synchronized ElasticsearchNode elasticsearch() {
        if (closed) {
            throw new IllegalStateException("The local stack in " + baseDir + " is closed");
        }
        if (elasticsearch == null) {
            if (elasticsearchFailure != null) {
                throw elasticsearchFailure;
            }
            try {
                startElasticsearch();
            } catch (IOException e) {
                elasticsearchFailure = new UncheckedIOException(e.getMessage(), e);
                throw elasticsearchFailure;
            } catch (RuntimeException e) {
                elasticsearchFailure = e;
                throw e;
            }
        }
        return elasticsearch;
    }

    /**
     * From now on the servers stop only when {@link #close()} is called (or, if this JVM dies,
     * with it), not from shutdown hooks of their own. The JVM runs every shutdown hook at the same
     * time, so without this a Ctrl-C would stop the broker while the components using it are still
     * closing. Call it when a shutdown hook of yours closes those components, then this stack.
     */
    public synchronized void leaveShutdownToOwner() {
        ownerStops = true;
        kafka.leaveShutdownToOwner();
        if (elasticsearch != null) {
            elasticsearch.leaveShutdownToOwner();
        }
    }

    /** @return the directory holding both servers' files */
    public Path baseDir() {
        return baseDir;
    }

    /** Stops Elasticsearch (if started), then Kafka; never throws. */
    @Override
    public void close() {
        ElasticsearchNode es;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            es = elasticsearch;
        }
        if (es != null) {
            es.close();
        }
        kafka.close();
        log.info("Local stack in {} closed", baseDir);
    }

    private synchronized void startElasticsearch() throws IOException {
        elasticsearch = secured == null ? ElasticsearchNode.start(baseDir.resolve("elasticsearch"))
                : ElasticsearchNode.startSecured(baseDir.resolve("elasticsearch"), secured.elasticsearchUser(),
                        secured.elasticsearchPassword());
        if (ownerStops) {
            elasticsearch.leaveShutdownToOwner();
        }
    }
}

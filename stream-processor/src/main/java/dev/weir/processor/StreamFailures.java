package dev.weir.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.TopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the processor does when a stream thread dies. Single records do not get here: the exception
 * handlers send them to the dead-letter topic. What does get here is either
 * <ul>
 *   <li>fatal, something no replacement thread can get past (Kafka refused the credentials or
 *       permissions, a topic is invalid or missing, the broker is too old, a JVM error such as running
 *       out of memory): the client shuts down, {@link #failure()} says why and what to do, and
 *       {@code ProcessorApp.main} exits with status 1 after printing it; or</li>
 *   <li>anything else (a send refused for size, a broker that stayed away past the timeouts): the thread
 *       is replaced and its tasks process the records since their last commit again; but when threads
 *       die more than {@value #MAX_REPLACEMENTS} times within {@link #WINDOW}, that is a loop no
 *       replacement ends, and the client shuts down as for a fatal error, naming the last cause.</li>
 * </ul>
 * Each death counts in {@code weir_stream_thread_failures_total{action}} ({@code replace} or
 * {@code shutdown}); {@link #lastDeath()} lets readiness report it.
 *
 * <p>Thread-safe.
 */
public final class StreamFailures implements StreamsUncaughtExceptionHandler {
    /** Counter name; Prometheus shows it as {@code weir_stream_thread_failures_total}. */
    public static final String METER = "weir.stream.thread.failures";
    /** Replacements allowed within {@link #WINDOW}; one more shuts the client down. */
    public static final int MAX_REPLACEMENTS = 10;
    /** The window over which replacements are counted. */
    public static final Duration WINDOW = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(StreamFailures.class);

    private final InstantSource clock;
    private final Counter replaced;
    private final Counter shutdown;
    private final Deque<Instant> recent = new ArrayDeque<>(); // guarded by this
    private volatile String failure;
    private volatile Instant lastDeath;

    /**
     * @param registry where the counter lives
     * @param clock    for the replacement window
     */
    public StreamFailures(MeterRegistry registry, InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replaced = counter(registry, "replace");
        this.shutdown = counter(registry, "shutdown");
    }

    private static Counter counter(MeterRegistry registry, String action) {
        return Counter.builder(METER).description("Stream threads that died, by what the processor did about it")
                .tag("action", action).register(registry);
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        Instant now = clock.instant();
        lastDeath = now;
        String fatal = fatal(exception);
        if (fatal == null) {
            int deaths;
            synchronized (this) {
                recent.addLast(now);
                while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(WINDOW))) {
                    recent.removeFirst();
                }
                deaths = recent.size();
            }
            if (deaths <= MAX_REPLACEMENTS) {
                replaced.increment();
                log.error("A stream thread died ({} in the last {} min); replacing it, its tasks go on from their last commit",
                        deaths, WINDOW.toMinutes(), exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            fatal = "stream threads died " + deaths + " times within " + WINDOW.toMinutes() + " minutes, last of "
                    + rootCause(exception) + "; replacing them does not help: see the errors logged before this one";
        }
        shutdown.increment();
        failure = "The processor stops: " + fatal;
        log.error(failure, exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** @return why the processor stopped, a sentence that says what to do; {@code null} while it has not */
    public String failure() {
        return failure;
    }

    /** @return when a stream thread last died, or {@code null} if none has */
    public Instant lastDeath() {
        return lastDeath;
    }

    /**
     * @param e what killed a stream thread
     * @return why no replacement thread can get past it, or {@code null} when one may
     */
    static String fatal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof SecurityDisabledException) {
                return "Kafka refused the processor's credentials (" + t.getMessage() + "); check the Kafka security settings.";
            }
            if (t instanceof AuthorizationException) {
                return "Kafka refused the processor an operation (" + t.getMessage() + "); grant its principal the ACLs "
                        + "of a Kafka Streams application on Weir's topics and its application id.";
            }
            if (t instanceof InvalidTopicException || t instanceof MissingSourceTopicException) {
                return "a topic the processor needs is missing or invalid (" + t.getMessage() + "); create Weir's topics, "
                        + "or set topics.create=true.";
            }
            if (t instanceof UnsupportedVersionException) {
                return "the Kafka cluster is too old for the processor (" + t.getMessage() + "); it needs Kafka 2.5 or later.";
            }
            if (t instanceof InvalidConfigurationException || t instanceof TopologyException) {
                return "the Kafka Streams configuration is invalid (" + t.getMessage() + ").";
            }
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) { // an overflow is one deep input
                return "the JVM failed (" + t + "); give the processor more memory or fewer stream threads.";
            }
        }
        return null;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }
}

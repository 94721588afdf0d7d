package dev.weir.sink.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's meters (Prometheus names in the README):
 * {@code weir_sink_indexed_total{topic,result}}, {@code weir_sink_retried_total{cause}},
 * {@code weir_sink_dead_lettered_total{reason}}, {@code weir_sink_dead_letter_failures_total},
 * {@code weir_sink_bulk_latency_seconds},
 * {@code weir_sink_consumer_lag{topic}}, {@code weir_sink_paused}, {@code weir_sink_batches_in_flight},
 * {@code weir_sink_duplicates_skipped_total{topic}}, {@code weir_sink_earlier_copy_lookups_total}.
 * Thread-safe.
 */
public final class SinkMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Timer bulkLatency;
    private final AtomicInteger paused = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param registry where the meters go */
    public SinkMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.bulkLatency = Timer.builder("weir.sink.bulk.latency")
                .description("Duration of one _bulk request, including failed ones")
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder("weir.sink.paused", paused, AtomicInteger::get)
                .description("1 while consumption is paused because every bulk slot is busy (Elasticsearch slow or down)")
                .register(registry);
        Gauge.builder("weir.sink.batches.in.flight", inFlight, AtomicInteger::get)
                .description("Batches handed to the bulk indexer and not yet finished").register(registry);
        deadLetterFailures();
    }

    /** A document was created (or was already there: {@code duplicate} = 409). */
    public void indexed(String topic, boolean duplicate) {
        indexed(topic, duplicate, 1);
    }

    /** {@code n} documents were created (or were already there). */
    public void indexed(String topic, boolean duplicate, int n) {
        counter("weir.sink.indexed", "Documents now in Elasticsearch, by source topic; result=duplicate means it was there already",
                "topic", topic, "result", duplicate ? "duplicate" : "created").increment(n);
    }

    /**
     * {@code n} documents of {@code topic} were found in an older backing index of their data
     * stream (indexed before a rollover; a {@code create} would have duplicated them). They are
     * counted as duplicates in {@code weir.sink.indexed} too.
     */
    public void earlierCopiesFound(String topic, int n) {
        counter("weir.sink.duplicates.skipped", "Documents found in an older backing index of their data stream, so not "
                + "created again (a replay across a rollover)", "topic", topic, null, null).increment(n);
    }

    /** One search for documents in older backing indices was made. */
    public void earlierCopyLookup() {
        counter("weir.sink.earlier.copy.lookups", "Searches for documents indexed before their data stream's last rollover",
                null, null, null, null).increment();
    }

    /** A request or document is retried; cause is {@code request}, {@code 429} or {@code 5xx}. */
    public void retried(String cause, int n) {
        counter("weir.sink.retried", "Bulk requests (cause=request) or documents (429, 5xx) sent again", "cause", cause, null, null)
                .increment(n);
    }

    /** A record went to the dead letters for {@code reason}. */
    public void deadLettered(String reason) {
        counter("weir.sink.dead.lettered", "Records the sink dead-lettered, by reason", "reason", reason, null, null).increment();
    }

    /** A dead-letter document was itself rejected by Elasticsearch (it is still on the dead-letter topic). */
    public void deadLetterRejected() {
        counter("weir.sink.dead.letter.rejected", "Dead-letter documents Elasticsearch refused", null, null, null, null).increment();
    }

    /** A dead letter could not be written to the dead-letter topic (its document is in the dead-letter index). */
    public void deadLetterFailed() {
        deadLetterFailures().increment();
    }

    private Counter deadLetterFailures() {
        return counter("weir.sink.dead.letter.failures", "Dead letters the dead-letter topic refused", null, null, null, null);
    }

    /** @return the bulk request timer */
    public Timer bulkLatency() {
        return bulkLatency;
    }

    /** @param value whether consumption is paused */
    public void paused(boolean value) {
        paused.set(value ? 1 : 0);
    }

    /** @return 1 while consumption is paused, else 0 */
    public double pausedValue() {
        return paused.get();
    }

    /** @param n batches in flight */
    public void inFlight(int n) {
        inFlight.set(n);
    }

    /** Sets the summed consumer lag of {@code topic}. */
    public void lag(String topic, long value) {
        lag.computeIfAbsent(topic, t -> {
            AtomicLong a = new AtomicLong();
            Gauge.builder("weir.sink.consumer.lag", a, AtomicLong::get).tag("topic", t)
                    .description("Records not yet consumed, summed over the assigned partitions").register(registry);
            return a;
        }).set(value);
    }

    /** @return the count of a counter, for tests and the benchmark */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    private Counter counter(String name, String description, String k1, String v1, String k2, String v2) {
        String key = name + '|' + v1 + '|' + v2;
        return counters.computeIfAbsent(key, k -> {
            Counter.Builder b = Counter.builder(name).description(description);
            if (k1 != null) {
                b.tag(k1, v1);
            }
            if (k2 != null) {
                b.tag(k2, v2);
            }
            return b.register(registry);
        });
    }
}

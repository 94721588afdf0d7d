package dev.weir.sink.retention;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Time;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.indices.ResolveIndexResponse;
import dev.weir.sink.SinkConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention without ILM: the sink rolls each of its data streams over once its write index is
 * {@code rollover-after} old (and holds documents), and deletes a backing index - never the write
 * index - once its newest {@code @timestamp} is older than its class's {@code max-age}. So data is
 * kept at least {@code max-age} and at most about {@code max-age + rollover-after}. Works the
 * same on a cluster with ILM (which the sink's templates do not use).
 *
 * <p>Data streams are found with {@code GET _resolve/index/logs-*,weir-*} (the test distribution
 * has no {@code GET _data_stream}); the newest timestamp per backing index with one
 * {@code terms(_index) > max(@timestamp)} search per data stream. Thread-safe enough to be run
 * by one scheduler thread; several sink instances may run it at once (deleting an index twice is
 * harmless, a rollover that lost the race is a no-op since its condition no longer holds).
 */
public final class RetentionJob {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final ElasticsearchClient client;
    private final SinkConfig.Retention settings;
    private final Clock clock;
    private final Consumer<String> rolledOver;

    /**
     * @param client     the cluster
     * @param settings   classes and rollover age
     * @param clock      "now" for the age of documents
     * @param rolledOver told the name of each data stream it rolled over (the indexer's view of
     *                   the write index is stale then)
     */
    public RetentionJob(ElasticsearchClient client, SinkConfig.Retention settings, Clock clock, Consumer<String> rolledOver) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rolledOver = Objects.requireNonNull(rolledOver, "rolledOver");
    }

    /**
     * What one run did.
     *
     * @param rolledOver data streams rolled over
     * @param deleted    backing indices deleted
     */
    public record Report(List<String> rolledOver, List<String> deleted) {
    }

    /**
     * @return the class that governs data stream {@code name}, the first whose pattern matches
     */
    public Optional<SinkConfig.RetentionClass> classOf(String dataStream) {
        return settings.classes().stream().filter(c -> c.matches(dataStream)).findFirst();
    }

    /**
     * One pass over every data stream of the sink.
     *
     * @return what it did
     * @throws IOException when Elasticsearch cannot be reached
     */
    public Report runOnce() throws IOException {
        List<String> rolled = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        ResolveIndexResponse resolved = client.indices().resolveIndex(r -> r.name("logs-*", "weir-*"));
        for (co.elastic.clients.elasticsearch.indices.resolve_index.ResolveIndexDataStreamsItem ds : resolved.dataStreams()) {
            Optional<SinkConfig.RetentionClass> cls = classOf(ds.name());
            if (cls.isEmpty()) {
                continue;
            }
            List<String> backing = ds.backingIndices();
            if (backing.isEmpty()) {
                continue;
            }
            String writeIndex = backing.get(backing.size() - 1);
            if (rollover(ds.name())) {
                rolled.add(ds.name());
            }
            if (backing.size() > 1) {
                Map<String, Instant> newest = newestPerIndex(ds.name());
                Instant cutoff = clock.instant().minus(cls.get().maxAge());
                for (String index : backing) {
                    if (index.equals(writeIndex)) {
                        continue;
                    }
                    Instant n = newest.get(index);
                    // An index without documents holds nothing to keep.
                    if (n == null || n.isBefore(cutoff)) {
                        client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
                        deleted.add(index);
                        log.info("Retention {}: deleted {} of data stream {} (newest document {}, older than {})",
                                cls.get().name(), index, ds.name(), n, cls.get().maxAge());
                    }
                }
            }
        }
        return new Report(List.copyOf(rolled), List.copyOf(deleted));
    }

    private boolean rollover(String dataStream) throws IOException {
        String age = settings.rolloverAfter().toMillis() + "ms";
        boolean rolled = client.indices().rollover(r -> r.alias(dataStream)
                .conditions(c -> c.maxAge(Time.of(t -> t.time(age))).minDocs(1L))).rolledOver();
        if (rolled) {
            rolledOver.accept(dataStream);
            log.info("Rolled over data stream {} (write index older than {})", dataStream, settings.rolloverAfter());
        }
        return rolled;
    }

    private Map<String, Instant> newestPerIndex(String dataStream) throws IOException {
        SearchResponse<Void> r = client.search(s -> s.index(dataStream).size(0).trackTotalHits(t -> t.enabled(false))
                .aggregations("by_index", a -> a.terms(t -> t.field("_index").size(10_000))
                        .aggregations("newest", m -> m.max(x -> x.field("@timestamp")))), Void.class);
        Map<String, Instant> out = new HashMap<>();
        for (StringTermsBucket b : r.aggregations().get("by_index").sterms().buckets().array()) {
            double v = b.aggregations().get("newest").max().value();
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                out.put(b.key().stringValue(), Instant.ofEpochMilli((long) v));
            }
        }
        return out;
    }

    /** @return the configured check interval */
    public Duration interval() {
        return settings.checkInterval();
    }
}

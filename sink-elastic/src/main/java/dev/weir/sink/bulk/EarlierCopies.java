package dev.weir.sink.bulk;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.IndexSettings;
import co.elastic.clients.elasticsearch.indices.IndexState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds documents that are already in a data stream but out of reach of a {@code create}: in a
 * backing index older than the write index, i.e. indexed before the last rollover. Keeps each
 * data stream's {@link WriteIndex} (one {@code GET <stream>/_settings/index.creation_date} when
 * first needed, again after {@link #rolledOver} or when a bulk answer names another index);
 * looks documents up with one {@code _search} ({@code ids} query, no source) per data stream
 * and batch.
 *
 * <p>Searches see what was refreshed (within a second): a copy written to the old write index
 * less than a refresh interval before the rollover, and looked up within that interval, is
 * missed. Thread-safe: the cache is shared by the bulk threads; two threads refreshing it at
 * once both store what Elasticsearch said.
 */
public final class EarlierCopies {
    /** How far the services' and the producers' clocks may run ahead of Elasticsearch's. */
    public static final Duration DEFAULT_SKEW = Duration.ofMinutes(5);
    /** Ids per lookup: hits may hold two copies of each, and a search returns at most 10 000. */
    private static final int MAX_IDS = 5_000;

    private final ElasticsearchClient client;
    private final Duration skew;
    private final Map<String, WriteIndex> writeIndices = new ConcurrentHashMap<>();

    /**
     * @param client the cluster
     * @param skew   see {@link WriteIndex#mayHoldEarlierCopy}
     */
    public EarlierCopies(ElasticsearchClient client, Duration skew) {
        this.client = Objects.requireNonNull(client, "client");
        this.skew = Objects.requireNonNull(skew, "skew");
    }

    /** @return the clock skew allowed for */
    public Duration skew() {
        return skew;
    }

    /**
     * @param dataStream a data stream (or index) name
     * @return its write index, from the cache when known
     * @throws IOException when Elasticsearch cannot be reached
     */
    public WriteIndex writeIndex(String dataStream) throws IOException {
        WriteIndex w = writeIndices.get(dataStream);
        return w != null ? w : refresh(dataStream);
    }

    /**
     * Asks Elasticsearch again.
     *
     * @param dataStream a data stream (or index) name
     * @return its write index now: the backing index created last
     * @throws IOException when Elasticsearch cannot be reached
     */
    public WriteIndex refresh(String dataStream) throws IOException {
        Map<String, IndexState> indices = client.indices().getSettings(g -> g.index(dataStream)
                .name("index.creation_date").ignoreUnavailable(true).allowNoIndices(true)).result();
        String name = null;
        long created = Long.MIN_VALUE;
        for (Map.Entry<String, IndexState> e : indices.entrySet()) {
            IndexSettings s = e.getValue().settings();
            Long c = s == null ? null : s.index() != null ? s.index().creationDate() : s.creationDate();
            if (c == null) {
                throw new IOException("Elasticsearch gave no index.creation_date for " + e.getKey() + " of " + dataStream);
            }
            if (c > created || (c == created && e.getKey().compareTo(name) > 0)) {
                name = e.getKey();
                created = c;
            }
        }
        WriteIndex w = name == null ? WriteIndex.ABSENT : new WriteIndex(name, created, indices.size());
        writeIndices.put(dataStream, w);
        return w;
    }

    /** Forgets what it knew of {@code dataStream}: it was just rolled over. */
    public void rolledOver(String dataStream) {
        writeIndices.remove(dataStream);
    }

    /**
     * @param dataStream where to look, every backing index
     * @param ids        document ids
     * @return per id found, the concrete indices that hold it
     * @throws IOException when Elasticsearch cannot be reached
     */
    public Map<String, List<String>> find(String dataStream, List<String> ids) throws IOException {
        Map<String, List<String>> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += MAX_IDS) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS));
            SearchResponse<Void> r = client.search(s -> s.index(dataStream).ignoreUnavailable(true).allowNoIndices(true)
                    .size(2 * chunk.size()).source(src -> src.fetch(false)).trackTotalHits(t -> t.enabled(false))
                    .query(q -> q.ids(i -> i.values(chunk))), Void.class);
            for (Hit<Void> h : r.hits().hits()) {
                found.computeIfAbsent(h.id(), k -> new ArrayList<>(2)).add(h.index());
            }
        }
        return found;
    }

    /**
     * Of two backing indices of one data stream ({@code .ds-<stream>-<date>-<generation>}), whether
     * {@code a} was created before {@code b}. Used to keep the oldest of two copies, so that two
     * sink instances resolving the same pair never both delete theirs.
     *
     * @return {@code false} when either name carries no generation
     */
    static boolean older(String a, String b) {
        long ga = generation(a);
        long gb = generation(b);
        return ga >= 0 && gb >= 0 && ga < gb;
    }

    private static long generation(String index) {
        int dash = index.lastIndexOf('-');
        if (!index.startsWith(".ds-") || dash < 0 || dash == index.length() - 1) {
            return -1;
        }
        try {
            return Long.parseLong(index.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

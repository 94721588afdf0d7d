package dev.weir.processor.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Event ids become Elasticsearch document ids: they must not change between versions (a replay after an
 * upgrade would index every event twice) and must not depend on which thread computed them.
 */
class EventIdsTest {

    @Test
    void idsAreTheFirstSixteenBytesOfSha256OverTopicPartitionOffset() {
        // expected values from `printf '%s' 'weir.raw.logs/0/0' | sha256sum | cut -c1-32`
        assertEquals("0fcc1bfdcacbda3b3ca632a180ffa095", EventIds.of("weir.raw.logs", 0, 0));
        assertEquals("e56d7fb44729c1b5f644ce0fcffbb3c7", EventIds.of("weir.raw.requests", 2, 123_456_789_012L));
    }

    @Test
    void threadsComputingIdsAtTheSameTimeGetTheIdsOneThreadGets() throws Exception {
        int perThread = 20_000;
        int threads = 4;
        List<List<String>> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                ids.add(EventIds.of("weir.raw.logs", t, i));
            }
            expected.add(ids);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int partition = t;
                results.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        ids.add(EventIds.of("weir.raw.logs", partition, i));
                    }
                    return ids;
                }));
            }
            for (int t = 0; t < threads; t++) {
                assertEquals(expected.get(t), results.get(t).get(60, TimeUnit.SECONDS), "partition " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

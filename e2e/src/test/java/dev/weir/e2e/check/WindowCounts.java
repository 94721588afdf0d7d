package dev.weir.e2e.check;

import dev.weir.common.kafka.Topics;
import dev.weir.e2e.traffic.SentEvent;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.serde.AvroSerde;
import dev.weir.schemas.serde.WeirSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Window counts exact: each closed window's result on {@code weir.stats.errors} (per service, all routes) against
 * what the ledger says was accepted in it: requests, 4xx, 5xx, ERROR logs, logs; each window emitted once, no
 * late events.
 *
 * @param expected    windows the ledger has events in (closed ones only)
 * @param missing     expected windows with no result yet
 * @param differences windows whose result differs, emitted more than once, or holds late events, described
 */
public record WindowCounts(int expected, List<String> missing, List<String> differences) {

    /** The counts of one service's window. */
    private record Counts(long requests, long errors4xx, long errors5xx, long errorLogs, long logs, long late) {
        Counts plus(SentEvent e) {
            return new Counts(requests + (e.request() ? 1 : 0), errors4xx + (e.request() && e.status() / 100 == 4 ? 1 : 0),
                    errors5xx + (e.request() && e.status() >= 500 ? 1 : 0), errorLogs + (e.errorLog() ? 1 : 0),
                    logs + (e.request() ? 0 : 1), late);
        }
    }

    /**
     * @param bootstrapServers the broker
     * @param accepted         the ledger's accepted events
     * @param services         the services whose windows are compared
     * @param windowMs         the processor's {@code measure.window}
     * @param closedBefore     windows ending at or before this are compared (the processor has closed them)
     */
    public static WindowCounts check(String bootstrapServers, List<SentEvent> accepted, Set<String> services, long windowMs,
                                     long closedBefore) {
        Map<String, Counts> expected = new TreeMap<>();
        for (SentEvent e : accepted) {
            long start = Math.floorDiv(e.timestampMs(), windowMs) * windowMs;
            if (services.contains(e.service()) && start + windowMs <= closedBefore) {
                expected.merge(key(e.service(), start), new Counts(0, 0, 0, 0, 0, 0).plus(e), (a, b) -> new Counts(a.requests + b.requests,
                        a.errors4xx + b.errors4xx, a.errors5xx + b.errors5xx, a.errorLogs + b.errorLogs, a.logs + b.logs, 0));
            }
        }
        AvroSerde<ErrorRateWindow> serde = WeirSerdes.errorRateWindow();
        Map<String, Counts> actual = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrapServers, Topics.STATS_ERRORS)) {
            ErrorRateWindow w = serde.deserialize(r.topic(), r.value());
            if (w.getRoute() != null || !services.contains(w.getService())) {
                continue;
            }
            String key = key(w.getService(), w.getWindowStart().toEpochMilli());
            Counts c = new Counts(w.getRequests(), w.getErrors4xx(), w.getErrors5xx(), w.getErrorLogs(), w.getLogs(), w.getLateEvents());
            if (actual.put(key, c) != null) {
                differences.add(key + " emitted more than once");
            }
        }
        List<String> missing = new ArrayList<>();
        expected.forEach((key, want) -> {
            Counts have = actual.get(key);
            if (have == null) {
                missing.add(key);
            } else if (!have.equals(want)) {
                differences.add(key + ": sent " + want + ", counted " + have);
            }
        });
        actual.forEach((key, have) -> {
            if (!expected.containsKey(key) && windowEnd(key, windowMs) <= closedBefore) {
                differences.add(key + ": nothing sent, counted " + have);
            }
        });
        return new WindowCounts(expected.size(), missing, differences);
    }

    private static String key(String service, long windowStart) {
        return service + "@" + Instant.ofEpochMilli(windowStart);
    }

    private static long windowEnd(String key, long windowMs) {
        return Instant.parse(key.substring(key.indexOf('@') + 1)).toEpochMilli() + windowMs;
    }
}

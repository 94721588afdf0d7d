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
 * what the ledger says was accepted in it: requests, 4xx, 5xx, ERROR logs, logs; each window emitted once.
 *
 * <p>An event is late, by the processor's design, when the event-time clock of its task (the highest event time the
 * task has seen) has passed its window's end plus grace before the event is read; it then counts in
 * {@code late_events} of a later window of its service instead of its own. Whether that may happen to an event is
 * known from the raw topics ({@link Arrivals}): it is <em>sent late</em> when an event of the same task with a time
 * at or past its window's end plus grace reached the raw topics before it (within {@link #ORDER_TOLERANCE_MS}, the
 * order Kafka Streams does not fix between two partitions of a task) — as when the agent takes a tailed file's
 * lines while HTTP bodies wait for the broker. So, per window, every event not sent late must be counted in it, and
 * only sent-late ones may be missing; per service, every event is counted exactly once: in its window or as late
 * (nothing lost, nothing counted twice).
 *
 * @param expected    windows the ledger has events in (closed ones only)
 * @param sentLate    events of those windows sent late (they may count as late)
 * @param missing     expected windows with no result yet, that hold events not sent late
 * @param differences windows whose result differs, emitted more than once, and services whose events are not counted
 *                    exactly once, described
 */
public record WindowCounts(int expected, int sentLate, List<String> missing, List<String> differences) {
    /**
     * Two events reaching two partitions of one task this close together may be read in either order: Kafka Streams
     * takes the older head record only among partitions that have fetched data.
     */
    public static final long ORDER_TOLERANCE_MS = 1000;

    /** The counts of one service's window. */
    private record Counts(long requests, long errors4xx, long errors5xx, long errorLogs, long logs, long late) {
        static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

        Counts plus(SentEvent e) {
            return new Counts(requests + (e.request() ? 1 : 0), errors4xx + (e.request() && e.status() / 100 == 4 ? 1 : 0),
                    errors5xx + (e.request() && e.status() >= 500 ? 1 : 0), errorLogs + (e.errorLog() ? 1 : 0),
                    logs + (e.request() ? 0 : 1), late);
        }

        /** @return whether each count lies between {@code low}'s and {@code high}'s */
        boolean between(Counts low, Counts high) {
            return requests >= low.requests && requests <= high.requests && errors4xx >= low.errors4xx && errors4xx <= high.errors4xx
                    && errors5xx >= low.errors5xx && errors5xx <= high.errors5xx && errorLogs >= low.errorLogs
                    && errorLogs <= high.errorLogs && logs >= low.logs && logs <= high.logs;
        }

        long events() {
            return requests + logs;
        }
    }

    /** Per task (raw partition): the events' arrival times in order, and the highest event time up to each. */
    private record TaskClock(long[] appendMs, long[] maxEventMs) {
        static TaskClock of(List<long[]> arrivals) {
            arrivals.sort(java.util.Comparator.comparingLong(a -> a[0]));
            long[] at = new long[arrivals.size()];
            long[] max = new long[arrivals.size()];
            long m = Long.MIN_VALUE;
            for (int i = 0; i < at.length; i++) {
                at[i] = arrivals.get(i)[0];
                m = Math.max(m, arrivals.get(i)[1]);
                max[i] = m;
            }
            return new TaskClock(at, max);
        }

        /** @return the highest event time among events that arrived before {@code ms} */
        long maxEventBefore(long ms) {
            int i = java.util.Arrays.binarySearch(appendMs, ms);
            int n = i >= 0 ? i : -i - 1;
            while (n > 0 && appendMs[n - 1] >= ms) {
                n--;
            }
            return n == 0 ? Long.MIN_VALUE : maxEventMs[n - 1];
        }
    }

    /**
     * @param bootstrapServers the broker
     * @param accepted         the ledger's accepted events (all of them: each moves its task's clock)
     * @param arrivals         when and where they reached the raw topics
     * @param services         the services whose windows are compared
     * @param windowMs         the processor's {@code measure.window}
     * @param graceMs          the processor's {@code measure.grace}
     * @param closedBefore     windows ending at or before this are compared (the processor has closed them)
     */
    public static WindowCounts check(String bootstrapServers, List<SentEvent> accepted, Arrivals arrivals, Set<String> services,
                                     long windowMs, long graceMs, long closedBefore) {
        Map<Integer, List<long[]>> perTask = new TreeMap<>();
        for (SentEvent e : accepted) {
            Arrivals.Arrival a = arrivals.bySeq().get(e.seq());
            if (a != null) {
                perTask.computeIfAbsent(a.partition(), k -> new ArrayList<>()).add(new long[] {a.appendMs(), e.timestampMs()});
            }
        }
        Map<Integer, TaskClock> clocks = new TreeMap<>();
        perTask.forEach((p, list) -> clocks.put(p, TaskClock.of(list)));

        Map<String, Counts> expected = new TreeMap<>();
        Map<String, Counts> onTime = new TreeMap<>();
        Map<String, long[]> perService = new TreeMap<>(); // sent, sent late
        int sentLate = 0;
        for (SentEvent e : accepted) {
            long start = Math.floorDiv(e.timestampMs(), windowMs) * windowMs;
            if (!services.contains(e.service()) || start + windowMs > closedBefore) {
                continue;
            }
            String key = key(e.service(), start);
            expected.merge(key, Counts.ZERO.plus(e), WindowCounts::sum);
            Arrivals.Arrival a = arrivals.bySeq().get(e.seq());
            boolean late = a != null && clocks.get(a.partition()).maxEventBefore(a.appendMs() + ORDER_TOLERANCE_MS) >= start + windowMs + graceMs;
            long[] s = perService.computeIfAbsent(e.service(), k -> new long[2]);
            s[0]++;
            if (late) {
                s[1]++;
                sentLate++;
            } else {
                onTime.merge(key, Counts.ZERO.plus(e), WindowCounts::sum);
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
        expected.forEach((key, sent) -> {
            Counts have = actual.get(key);
            Counts must = onTime.getOrDefault(key, Counts.ZERO);
            if (have == null) {
                if (must.events() > 0) {
                    missing.add(key);
                }
            } else if (!have.between(must, sent)) {
                differences.add(key + ": sent " + sent + " (not sent late " + must + "), counted " + have);
            }
        });
        Map<String, Long> countedPerService = new TreeMap<>();
        Map<String, Long> latePerService = new TreeMap<>();
        actual.forEach((key, have) -> {
            if (windowEnd(key, windowMs) > closedBefore) {
                return;
            }
            String service = key.substring(0, key.indexOf('@'));
            countedPerService.merge(service, have.events(), Long::sum);
            latePerService.merge(service, have.late(), Long::sum);
            if (!expected.containsKey(key) && have.events() > 0) {
                differences.add(key + ": nothing sent, counted " + have);
            }
        });
        perService.forEach((service, s) -> {
            long counted = countedPerService.getOrDefault(service, 0L);
            long late = latePerService.getOrDefault(service, 0L);
            if (counted + late != s[0] || late > s[1]) {
                differences.add(service + ": " + s[0] + " events sent (" + s[1] + " sent late), " + counted
                        + " counted in their windows and " + late + " as late");
            }
        });
        return new WindowCounts(expected.size(), sentLate, missing, differences);
    }

    private static Counts sum(Counts a, Counts b) {
        return new Counts(a.requests + b.requests, a.errors4xx + b.errors4xx, a.errors5xx + b.errors5xx, a.errorLogs + b.errorLogs,
                a.logs + b.logs, 0);
    }

    private static String key(String service, long windowStart) {
        return service + "@" + Instant.ofEpochMilli(windowStart);
    }

    private static long windowEnd(String key, long windowMs) {
        return Instant.parse(key.substring(key.indexOf('@') + 1)).toEpochMilli() + windowMs;
    }
}

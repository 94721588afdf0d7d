package dev.weir.agent.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test lines "{"seq":N,...}" and counting them in what arrived. */
final class Lines {
    private Lines() {}

    static String line(long seq) {
        return "{\"@timestamp\":\"2025-06-01T12:00:00Z\",\"message\":\"order placed\",\"level\":\"INFO\",\"logger_name\":\"shop.Orders\",\"seq\":" + seq + "}\n";
    }

    /** @return the seqs in [0, n) that did not arrive */
    static java.util.List<Long> missing(List<TopicReader.Rec> values, long n) {
        Map<Long, Integer> c = counts(values);
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (long i = 0; i < n; i++) {
            if (!c.containsKey(i)) {
                out.add(i);
            }
        }
        return out.size() > 20 ? java.util.List.of((long) out.size(), -1L, out.get(0), out.get(out.size() - 1)) : out;
    }

    /** @return how many seqs arrived more than once */
    static long duplicated(List<TopicReader.Rec> values) {
        return counts(values).values().stream().filter(c -> c > 1).count();
    }

    /** @return seq → number of times it arrived */
    static Map<Long, Integer> counts(List<TopicReader.Rec> values) {
        Map<Long, Integer> counts = new HashMap<>();
        for (TopicReader.Rec v : values) {
            counts.merge(v.seq(), 1, Integer::sum);
        }
        return counts;
    }
}

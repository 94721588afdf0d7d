package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link Ring} against a plain model: a map of bucket → counts that forgets buckets the ring evicts. */
class RingTest {
    private static final int N = 12;
    private static final long WIDTH = 1_000;

    @Test
    void shouldSumLikeTheModelAtEveryTimeAskedAbout() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            Ring ring = new Ring(WIDTH, N, 2);
            Model model = new Model();
            long t = rnd.nextInt(1_000_000) - 500_000; // negative times too: floorDiv/floorMod matter
            for (int i = 0; i < 300; i++) {
                int move = rnd.nextInt(10);
                // mostly forward in small steps, sometimes a jump past the whole ring, sometimes a late event
                t += move < 6 ? rnd.nextInt(700) : move < 8 ? -rnd.nextInt(20 * (int) WIDTH) : move < 9 ? rnd.nextInt(3 * N * (int) WIDTH) : 0;
                long[] deltas = {1 + rnd.nextInt(3), rnd.nextInt(2)};
                List<Long> evicted = new ArrayList<>();
                boolean accepted = ring.add(t, deltas, evicted::add);
                assertThat(accepted).as("add at %d", t).isEqualTo(model.add(ring.bucket(t), deltas));
                assertThat(evicted).as("evicted at %d", t).containsExactlyElementsOf(model.evictedSinceLastAdd);
                long asked = t + rnd.nextInt(4 * N * (int) WIDTH) - 2L * N * WIDTH;
                for (long q : new long[] {t, asked, t + WIDTH * (N - 1), t - WIDTH}) {
                    for (int f = 0; f < 2; f++) {
                        assertThat(ring.sum(q, f)).as("sum of field %d at %d (last add at %d)", f, q, t).isEqualTo(model.sum(ring.bucket(q), f));
                    }
                }
            }
            Ring copy = roundTrip(ring);
            for (long q = t - 2 * N * WIDTH; q <= t + 2 * N * WIDTH; q += WIDTH / 2) {
                for (int f = 0; f < 2; f++) {
                    assertThat(copy.sum(q, f)).as("decoded sum of field %d at %d", f, q).isEqualTo(ring.sum(q, f));
                }
                assertThat(copy.occupied(q)).isEqualTo(ring.occupied(q));
            }
        }
    }

    private static Ring roundTrip(Ring ring) {
        ByteBuffer buffer = ByteBuffer.allocate(ring.maxBytes());
        ring.write(buffer);
        buffer.flip();
        return Ring.read(buffer);
    }

    /** Buckets and their counts, the newest bucket, and what the last add evicted. */
    private static final class Model {
        final TreeMap<Long, long[]> buckets = new TreeMap<>();
        Long head;
        List<Long> evictedSinceLastAdd = new ArrayList<>();

        boolean add(long b, long[] deltas) {
            evictedSinceLastAdd = new ArrayList<>();
            if (head != null && b <= head - N) {
                return false;
            }
            if (head == null || b > head) {
                head = b;
                for (Long old : new ArrayList<>(buckets.headMap(b - N, true).keySet())) {
                    buckets.remove(old);
                    evictedSinceLastAdd.add(old);
                }
            }
            long[] c = buckets.computeIfAbsent(b, k -> new long[2]);
            c[0] += deltas[0];
            c[1] += deltas[1];
            return true;
        }

        long sum(long bt, int field) {
            return buckets.subMap(bt - N, false, bt, true).values().stream().mapToLong(c -> c[field]).sum();
        }
    }
}

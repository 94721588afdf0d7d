package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VarintsTest {
    @Test
    void shouldWriteManyValuesExactlyAsOneByOneAndReadThemBack() {
        Random rnd = new Random(11);
        for (int round = 0; round < 500; round++) {
            long[] values = new long[rnd.nextInt(130)];
            for (int i = 0; i < values.length; i++) {
                int kind = rnd.nextInt(5);
                values[i] = kind == 0 ? 0 : kind == 1 ? rnd.nextInt(300) - 150 : kind == 2 ? rnd.nextLong()
                        : kind == 3 ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            ByteBuffer single = ByteBuffer.allocate(values.length * 10 + 3);
            single.put((byte) 7);
            for (long v : values) {
                Varints.writeLong(single, v);
            }
            // a buffer with room for the worst case (array path), and one just large enough (one-by-one path)
            for (int room : new int[] {values.length * 10 + 3, single.position()}) {
                ByteBuffer many = ByteBuffer.allocate(room);
                many.put((byte) 7);
                Varints.writeLongs(many, values);
                assertThat(Arrays.copyOf(many.array(), many.position())).isEqualTo(Arrays.copyOf(single.array(), single.position()));
                many.flip().get();
                for (long v : values) {
                    assertThat(Varints.readLong(many)).isEqualTo(v);
                }
                assertThat(many.hasRemaining()).isFalse();
            }
        }
    }
}

package dev.weir.processor.slo;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/** Good and total events of one bucket, as stored: two varints. */
final class Counts {
    private Counts() {
    }

    static byte[] encode(long[] gt) {
        ByteBuffer b = ByteBuffer.allocate(20);
        write(b, gt[0]);
        write(b, gt[1]);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static long[] decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new long[] {read(b), read(b)};
        } catch (RuntimeException e) {
            throw new SerializationException("Corrupt SLO bucket (" + bytes.length + " bytes)", e);
        }
    }

    private static void write(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static long read(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}

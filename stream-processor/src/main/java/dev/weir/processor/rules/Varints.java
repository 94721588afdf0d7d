package dev.weir.processor.rules;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Zig-zag variable-length longs and length-prefixed strings for the rule state format. */
final class Varints {
    private Varints() {
    }

    static void writeLong(ByteBuffer out, long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.put((byte) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.put((byte) z);
    }

    /**
     * Writes every value as {@link #writeLong} does, straight into the buffer's array when it has
     * room for the worst case: a ring is 60 × fields counters, encoded for every event and rule.
     */
    static void writeLongs(ByteBuffer out, long[] values) {
        if (!out.hasArray() || out.remaining() < values.length * 10) {
            for (long v : values) {
                writeLong(out, v);
            }
            return;
        }
        byte[] a = out.array();
        int start = out.arrayOffset();
        int p = start + out.position();
        for (long v : values) {
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                a[p++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            a[p++] = (byte) z;
        }
        out.position(p - start);
    }

    static long readLong(ByteBuffer in) {
        long z = 0;
        int shift = 0;
        byte b;
        do {
            b = in.get();
            z |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (z >>> 1) ^ -(z & 1);
    }

    static void writeString(ByteBuffer out, String s) {
        if (s == null) {
            writeLong(out, -1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeLong(out, b.length);
        out.put(b);
    }

    static String readString(ByteBuffer in) {
        int len = (int) readLong(in);
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static int maxBytes(String s) {
        return s == null ? 1 : 10 + s.length() * 3;
    }
}

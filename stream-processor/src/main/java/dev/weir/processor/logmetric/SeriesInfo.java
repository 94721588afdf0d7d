package dev.weir.processor.logmetric;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What a task knows of one series beyond its buckets: the metric version it was counted under, its last event
 * (event time and wall time, for retention) and its totals since it appeared, which the counters on
 * {@code /metrics} show. Mutable; not thread-safe.
 */
final class SeriesInfo {
    private static final byte FORMAT = 1;

    long version;
    long lastEventTime = Long.MIN_VALUE;
    long lastEventWall;
    long count;
    double sum;

    SeriesInfo(long version) {
        this.version = version;
    }

    byte[] encode() {
        return ByteBuffer.allocate(41).put(FORMAT).putLong(version).putLong(lastEventTime).putLong(lastEventWall).putLong(count)
                .putDouble(sum).array();
    }

    static SeriesInfo decode(byte[] bytes) {
        if (bytes.length != 41 || bytes[0] != FORMAT) {
            throw new SerializationException("Unknown log metric series info (" + bytes.length + " bytes); this processor reads format "
                    + FORMAT);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, 40);
        SeriesInfo s = new SeriesInfo(in.getLong());
        s.lastEventTime = in.getLong();
        s.lastEventWall = in.getLong();
        s.count = in.getLong();
        s.sum = in.getDouble();
        return s;
    }
}

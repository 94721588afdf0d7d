package dev.weir.processor.measure;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Uses the event's own {@code timestamp} field as the record's event time, so that windows follow
 * when things happened rather than when they were produced; falls back to the record timestamp.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        if (value instanceof RequestEvent r && r.getTimestamp() != null) {
            return r.getTimestamp().toEpochMilli();
        }
        if (value instanceof LogEvent l && l.getTimestamp() != null) {
            return l.getTimestamp().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}

package dev.weir.processor.normalize;

import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import java.util.List;
import java.util.Map;

/**
 * Upper bounds of the Avro size of clean events, cheap enough for every event (string lengths, no
 * encoding): each string at 3 bytes per UTF-16 unit plus its length, every other field at its
 * largest. Where the bound is over a topic's limit the caller encodes the event to know.
 */
final class EventSize {
    /** Single-object header, the numbers, timestamps, enum and union indexes of either record, generously. */
    private static final int FIXED = 512;

    private EventSize() {
    }

    /** @return at least the bytes the Avro serde writes for {@code e} */
    static long upperBound(LogEvent e) {
        long n = FIXED + text(e.getId()) + text(e.getService()) + text(e.getEnvironment()) + text(e.getHost())
                + text(e.getMessage()) + text(e.getLogger()) + text(e.getThread()) + text(e.getTraceId())
                + text(e.getSpanId()) + text(e.getUserName()) + text(e.getSourceIp())
                + labels(e.getLabels()) + texts(e.getTags()) + ecs(e.getEcs());
        ErrorInfo error = e.getError();
        if (error != null) {
            n += text(error.getType()) + text(error.getMessage()) + text(error.getStackTrace()) + text(error.getFingerprint());
        }
        EventInfo event = e.getEvent();
        if (event != null) {
            n += text(event.getCategory()) + text(event.getAction()) + text(event.getOutcome());
        }
        HttpInfo http = e.getHttp();
        if (http != null) {
            n += text(http.getMethod()) + text(http.getRoute()) + text(http.getPath());
        }
        SourceInfo source = e.getSource();
        if (source != null) {
            n += text(source.getFormat()) + text(source.getFile()) + text(source.getInput());
        }
        return n;
    }

    /** @return at least the bytes the Avro serde writes for {@code e} */
    static long upperBound(RequestEvent e) {
        return FIXED + text(e.getId()) + text(e.getService()) + text(e.getEnvironment()) + text(e.getHost())
                + text(e.getMethod()) + text(e.getRoute()) + text(e.getPath()) + text(e.getClientIp())
                + text(e.getUserAgent()) + text(e.getUserName()) + text(e.getTraceId()) + labels(e.getLabels())
                + ecs(e.getEcs());
    }

    private static long labels(Map<String, String> labels) {
        long n = 10;
        for (Map.Entry<String, String> l : labels.entrySet()) {
            n += text(l.getKey()) + text(l.getValue());
        }
        return n;
    }

    /** ECS values: strings and string arrays by their text, numbers and booleans at their largest (a union index and 10 bytes). */
    private static long ecs(Map<? extends CharSequence, Object> ecs) {
        long n = 10;
        for (Map.Entry<? extends CharSequence, Object> f : ecs.entrySet()) {
            n += text(f.getKey()) + 11;
            Object v = f.getValue();
            if (v instanceof CharSequence s) {
                n += text(s);
            } else if (v instanceof List<?> items) {
                n += 10;
                for (Object item : items) {
                    n += text(item == null ? null : item.toString());
                }
            }
        }
        return n;
    }

    private static long texts(List<String> texts) {
        long n = 10;
        for (String t : texts) {
            n += text(t);
        }
        return n;
    }

    private static long text(CharSequence s) {
        // a UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair, two units, is 4); the length takes up to 5
        return s == null ? 1 : 3L * s.length() + 6;
    }
}

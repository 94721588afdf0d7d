package dev.weir.agent.parse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * The event a line becomes when its parser cannot read it: a log event whose {@code message}
 * is the raw line, tagged {@code parse_error}, with the reason in {@code error.message}.
 */
public final class ParseErrors {
    /** The tag on every event made from an unreadable line. */
    public static final String TAG = "parse_error";

    private ParseErrors() {}

    /**
     * @param line the raw line, UTF-8 (invalid sequences are replaced)
     * @param reason why it could not be parsed, e.g. {@code not a JSON object}
     * @param enrichment service, environment and host
     * @param origin id and file position
     * @param clock gives {@code @timestamp}, the time of reading
     * @return a log event
     */
    public static ParsedEvent event(byte[] line, int offset, int length, String reason,
                                    Enrichment enrichment, LineOrigin origin, Clock clock) {
        String raw = new String(line, offset, length, StandardCharsets.UTF_8);
        byte[] json = new EventWriter()
                .timestamp(clock.instant())
                .string("message", raw)
                .string("error.message", reason)
                .tags(List.of(TAG))
                .finish(enrichment, origin);
        return new ParsedEvent(EventKind.LOG, enrichment.serviceName(), json);
    }

    /** Room kept in a cut event for everything but the line: timestamp, reason, tags, enrichment, id, file path. */
    private static final int CUT_EVENT_ROOM = 16 * 1024;

    /**
     * The event of a line as long as it is within {@code maxEventBytes}; else a parse-error event of the
     * line cut so that it is, saying so: the processor would dead-letter the larger event as {@code too_large}.
     *
     * @param event the event parsed from the line
     * @param line the raw line, UTF-8
     * @param maxEventBytes the largest event sent ({@code agent.max-event-size})
     * @param enrichment service, environment and host
     * @param origin id and file position
     * @param clock gives {@code @timestamp}, the time of reading
     * @return {@code event}, or the cut parse-error event
     */
    public static ParsedEvent within(ParsedEvent event, byte[] line, int offset, int length, int maxEventBytes,
                                     Enrichment enrichment, LineOrigin origin, Clock clock) {
        if (event.json().length <= maxEventBytes) {
            return event;
        }
        String reason = "event of " + event.json().length + " bytes is larger than agent.max-event-size (" + maxEventBytes
                + " bytes); the line is cut";
        // as text the line takes its length; escaped (control characters as backslash-u escapes) up to six times it
        int room = Math.max(0, maxEventBytes - CUT_EVENT_ROOM);
        ParsedEvent cut = event(line, offset, utf8Boundary(line, offset, length, room), reason, enrichment, origin, clock);
        return cut.json().length <= maxEventBytes ? cut
                : event(line, offset, utf8Boundary(line, offset, length, room / 6), reason, enrichment, origin, clock);
    }

    /** @return the largest length up to {@code wanted} (at most {@code length}) that does not end inside a UTF-8 character */
    private static int utf8Boundary(byte[] line, int offset, int length, int wanted) {
        if (wanted >= length) {
            return length;
        }
        int end = wanted;
        for (int back = 0; back < 3 && end > 0 && (line[offset + end] & 0xC0) == 0x80; back++) {
            end--;
        }
        return end;
    }
}

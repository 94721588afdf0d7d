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
}

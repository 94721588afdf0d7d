package dev.weir.agent.parse;

import java.util.Objects;

/**
 * Where a line came from: the event id the agent assigns to it (deterministic for file input:
 * file identity plus byte offset), and for file input the path and byte offset of the line.
 *
 * @param eventId used as {@code event.id} when the event has none
 * @param filePath {@code log.file.path}, or null for HTTP and stdin input
 * @param offset {@code log.offset} (byte offset of the line's first byte), or -1 when not from a file
 */
public record LineOrigin(String eventId, String filePath, long offset) {
    public LineOrigin {
        Objects.requireNonNull(eventId, "eventId");
    }

    /** An origin that is not a file (HTTP, stdin). */
    public static LineOrigin of(String eventId) {
        return new LineOrigin(eventId, null, -1);
    }
}

package dev.weir.agent.parse;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a line came from: the event id the agent assigns to it (deterministic for file input:
 * file identity plus byte offset), and for file input the path and byte offset of the line.
 *
 * <p>File lines are built with {@link #ofFile}: their id ({@code <identity>-<offset>}) is only
 * turned into a string when asked for, since the JSON passthrough writes it straight from the
 * identity's bytes for every line read. Immutable.
 */
public final class LineOrigin {
    private final String eventId;
    private final byte[] idPrefix;
    private final String filePath;
    private final long offset;

    /**
     * @param eventId used as {@code event.id} when the event has none
     * @param filePath {@code log.file.path}, or null for HTTP and stdin input
     * @param offset {@code log.offset} (byte offset of the line's first byte), or -1 when not from a file
     */
    public LineOrigin(String eventId, String filePath, long offset) {
        this(Objects.requireNonNull(eventId, "eventId"), null, filePath, offset);
    }

    private LineOrigin(String eventId, byte[] idPrefix, String filePath, long offset) {
        this.eventId = eventId;
        this.idPrefix = idPrefix;
        this.filePath = filePath;
        this.offset = offset;
    }

    /** An origin that is not a file (HTTP, stdin). */
    public static LineOrigin of(String eventId) {
        return new LineOrigin(eventId, null, -1);
    }

    /**
     * A line of a file whose event id is {@code <idPrefix>-<offset>}.
     *
     * @param idPrefix the file identity part of the id, printable ASCII without quotes or backslashes
     * @param filePath {@code log.file.path}
     * @param offset byte offset of the line's first byte
     */
    public static LineOrigin ofFile(byte[] idPrefix, String filePath, long offset) {
        return new LineOrigin(null, Objects.requireNonNull(idPrefix, "idPrefix"), Objects.requireNonNull(filePath, "filePath"), offset);
    }

    /** @return the {@code event.id} of the line */
    public String eventId() {
        return eventId != null ? eventId : new String(idPrefix, StandardCharsets.US_ASCII) + "-" + offset;
    }

    /** @return the identity part of a file line's id (then the id is it, {@code -}, {@link #offset()}), else null */
    byte[] idPrefix() {
        return idPrefix;
    }

    /** @return {@code log.file.path}, or null for HTTP and stdin input */
    public String filePath() {
        return filePath;
    }

    /** @return {@code log.offset}, or -1 when not from a file */
    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "LineOrigin[eventId=" + eventId() + ", filePath=" + filePath + ", offset=" + offset + "]";
    }
}

package dev.weir.agent.parse;

import java.nio.charset.StandardCharsets;

/**
 * Turns one line (without its line terminator) into one event. A parser never drops a line and
 * never throws for bad input: a line it cannot read becomes a log event carrying the raw line
 * and the tag {@code parse_error}.
 *
 * <p>Implementations are thread-safe unless they say otherwise.
 */
public interface LineParser {
    /**
     * @param line bytes holding the line, UTF-8
     * @param offset index of the line's first byte in {@code line}
     * @param length number of bytes of the line
     * @param origin the id and file position of the line
     * @return the event to ship; never null
     */
    ParsedEvent parse(byte[] line, int offset, int length, LineOrigin origin);

    /** Convenience for tests and string sources. */
    default ParsedEvent parse(String line, LineOrigin origin) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, 0, bytes.length, origin);
    }
}

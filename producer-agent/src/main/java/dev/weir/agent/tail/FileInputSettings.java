package dev.weir.agent.tail;

import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParserType;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * One {@code agent.files[]} entry: which files to tail and how to read them.
 *
 * @param name the input's name in metrics and checkpoints
 * @param paths glob patterns of absolute paths, e.g. {@code /var/log/app/*.log*}; {@code **} crosses directories
 * @param exclude glob patterns of paths (or, without a {@code /}, of file names) to leave out, e.g. {@code *.gz}
 * @param parser how lines are read
 * @param events the kind of JSON events (text parsers decide themselves)
 * @param service {@code service.name} for events that carry none, or null for the agent's
 * @param timezone zone of timestamps without an offset (syslog)
 * @param fingerprintBytes how many first bytes identify a file besides its inode
 * @param scanInterval how often the globs are expanded to find new and rotated files
 * @param pollInterval how long the input waits when no file has new data
 * @param closeInactive how long a file that no longer matches the globs (rotated away, deleted) stays open after its last growth
 * @param orphanTtl how long the position of a truncated or vanished file is kept to be taken over by its copy
 * @param maxLineBytes longer lines are cut to this many bytes and tagged {@code truncated}
 * @param startAtEnd whether files found at the first start (without checkpoint) are read from their end
 */
public record FileInputSettings(String name, List<String> paths, List<String> exclude, ParserType parser, EventKind events,
                                String service, ZoneId timezone, int fingerprintBytes, Duration scanInterval,
                                Duration pollInterval, Duration closeInactive, Duration orphanTtl, int maxLineBytes,
                                boolean startAtEnd) {
    public FileInputSettings {
        Objects.requireNonNull(name, "name");
        paths = List.copyOf(paths);
        exclude = List.copyOf(exclude);
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(timezone, "timezone");
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a file input needs at least one path pattern");
        }
        if (fingerprintBytes < 16) {
            throw new IllegalArgumentException("fingerprintBytes must be at least 16, was " + fingerprintBytes);
        }
    }

    /** Defaults for everything but name, paths and parser; for tests and embedding. */
    public static FileInputSettings of(String name, List<String> paths, ParserType parser) {
        return new FileInputSettings(name, paths, List.of(), parser, parser.defaultKind(), null, ZoneId.systemDefault(), 1024,
                Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofMinutes(5), 512 * 1024, false);
    }

    /** @return a copy with another scan interval */
    public FileInputSettings withScanInterval(Duration d) {
        return new FileInputSettings(name, paths, exclude, parser, events, service, timezone, fingerprintBytes, d,
                pollInterval, closeInactive, orphanTtl, maxLineBytes, startAtEnd);
    }

    /** @return a copy whose events without a {@code service.name} get this one */
    public FileInputSettings withService(String serviceName) {
        return new FileInputSettings(name, paths, exclude, parser, events, serviceName, timezone, fingerprintBytes, scanInterval,
                pollInterval, closeInactive, orphanTtl, maxLineBytes, startAtEnd);
    }
}

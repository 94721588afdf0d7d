package dev.weir.cli.up;

import dev.weir.agent.parse.ParserType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * One {@code weir up --tail PATH[:PARSER[:SERVICE]]}: a file (or glob) the agent tails.
 *
 * @param path absolute path or glob
 * @param parser how its lines are read; {@code json} when not given
 * @param service {@code service.name} of events that carry none: given, or the file name up to its first dot
 */
record TailSpec(Path path, ParserType parser, String service) {
    TailSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(service, "service");
    }

    /**
     * Reads {@code PATH[:PARSER[:SERVICE]]}.
     *
     * @throws IllegalArgumentException saying what is wrong with the value
     */
    static TailSpec parse(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length > 3 || parts[0].isBlank()) {
            throw invalid(value, "expected PATH[:PARSER[:SERVICE]], e.g. /var/log/auth.log:sshd:bastion");
        }
        Path path = Path.of(parts[0]).toAbsolutePath().normalize();
        ParserType parser = ParserType.JSON;
        if (parts.length > 1) {
            try {
                parser = ParserType.valueOf(parts[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(value, "unknown parser '" + parts[1] + "'; use one of " + Arrays.stream(ParserType.values())
                        .map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
            }
        }
        String service = parts.length > 2 ? parts[2] : defaultService(path);
        if (service.isBlank()) {
            throw invalid(value, "the service name is empty");
        }
        return new TailSpec(path, parser, service);
    }

    /** {@code /var/log/auth.log} → {@code auth}; a glob's file part without its wildcards. */
    private static String defaultService(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        int dot = name.indexOf('.');
        String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[*?\\[\\]{}]", "");
        return stem.isEmpty() ? "logs" : stem;
    }

    private static IllegalArgumentException invalid(String value, String reason) {
        return new IllegalArgumentException("'" + value + "': " + reason);
    }

    /**
     * picocli converter, so that a bad value is reported before anything starts, as
     * {@code Invalid value for option '--tail' (PATH[:PARSER[:SERVICE]]): '/x:foo': unknown parser 'foo'; ...}.
     */
    static final class Converter implements CommandLine.ITypeConverter<TailSpec> {
        @Override
        public TailSpec convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

package dev.weir.cli.up;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code weir} command as users run it: {@code java -jar cli/target/weir.jar}, built by Maven's package phase. */
final class WeirJar {
    private WeirJar() {}

    /** The heap of a {@code weir up} JVM. */
    static final String HEAP = "-Xmx768m";

    /** @return {@code cli/target/weir.jar} */
    static Path path() {
        Path jar = Path.of("target", "weir.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run the integration tests through Maven (mvn verify), which packages it first");
        }
        return jar;
    }

    /** @return {@code java -jar .../weir.jar <args>} */
    static List<String> command(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-jar", path().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** @return the command quoted for a POSIX shell, run with {@code exec} so that it becomes the shell's process */
    static String shellCommand(String... args) {
        return "exec " + command(args).stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }
}

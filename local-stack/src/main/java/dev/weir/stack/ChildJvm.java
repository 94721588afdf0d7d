package dev.weir.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child JVMs that die with this one: a main class run on this JVM's classpath through {@link ChildMain}, with
 * its standard input left as an open pipe that this JVM never writes to. When this JVM ends - even by
 * {@code kill -9}, when no shutdown hook runs - the pipe closes and the child halts, so no test or tool leaves
 * a component, broker or benchmark JVM behind.
 *
 * <pre>{@code
 * Process sink = ChildJvm.launch(dir.resolve("sink.log"), List.of("-Xmx256m", TempDirs.childTmpdirOption(dir)),
 *         "dev.weir.cli.Weir", List.of("sink", "--config", "sink.yml"));
 * ...
 * sink.destroyForcibly();                        // kill -9, as a crash would
 * ChildJvm.stop(sink, Duration.ofSeconds(30));   // or SIGTERM: its shutdown hooks run
 * }</pre>
 */
public final class ChildJvm {

    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

    /**
     * SLF4J providers and bridges that must not reach the broker JVM: it logs through log4j2, and
     * a second provider (or log4j-to-slf4j, which would loop) would take over its logging.
     */
    private static final Pattern FOREIGN_LOGGING = Pattern.compile(
            "(logback-classic|logback-core|slf4j-simple|slf4j-nop|slf4j-jdk14|slf4j-reload4j|slf4j-log4j12"
                    + "|log4j-slf4j-impl|log4j-slf4j2-impl|log4j-to-slf4j)-.*\\.jar");

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private ChildJvm() {
    }

    /**
     * Starts {@code java <jvmOptions> ChildMain <mainClass> <args>} on this JVM's classpath (as it is, logging
     * included; a manifest-only jar such as Surefire's booter expanded), in the directory of {@code logFile},
     * with standard output and error appended to {@code logFile}. The child halts when this JVM is gone. Stop it
     * with {@link #stop(Process, Duration)} (SIGTERM) or {@link Process#destroyForcibly()} (SIGKILL), not with
     * {@link Process#destroy()}, which closes its standard input and so halts it without its shutdown hooks.
     *
     * @param logFile    where its output goes (appended; a line marks each start); its directory must exist
     * @param jvmOptions options before the main class, e.g. {@code -Xmx256m}, {@link TempDirs#childTmpdirOption(Path)}
     * @param mainClass  a class with {@code public static void main(String[])} on this JVM's classpath
     * @param args       its arguments
     * @return the running child
     * @throws IOException when the JVM cannot be started
     */
    public static Process launch(Path logFile, List<String> jvmOptions, String mainClass, List<String> args) throws IOException {
        Path dir = logFile.toAbsolutePath().getParent();
        mark(logFile, "starting " + mainClass + " " + String.join(" ", args));
        Path argFile = dir.resolve(logFile.getFileName() + ".classpath");
        return launch(dir, argFile, ownClasspath(), logFile, jvmOptions, mainClass, args, false);
    }

    /**
     * Stops a child started by {@link #launch}: SIGTERM, so that its shutdown hooks run, then SIGKILL when it has
     * not exited within {@code timeout}.
     *
     * @param child   the child; nothing happens when it has exited already
     * @param timeout how long it may take to stop
     * @return its exit status
     * @throws InterruptedException when interrupted while waiting
     */
    public static int stop(Process child, Duration timeout) throws InterruptedException {
        child.toHandle().destroy();
        if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Child JVM {} did not stop within {} s after SIGTERM; killing it", child.pid(), timeout.toSeconds());
            child.destroyForcibly();
            child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return child.exitValue();
    }

    /**
     * Starts a server JVM (the Kafka broker): this JVM's classpath without its logging providers and with
     * log4j2's, in a session of its own ({@link #inOwnSession}); the class path goes to
     * {@code workDir/jvm-classpath.args}.
     */
    static Process launchServer(Path workDir, Path logFile, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        return launch(workDir, workDir.resolve("jvm-classpath.args"), classpath(), logFile, jvmOptions, mainClass, args, true);
    }

    private static Process launch(Path workDir, Path argFile, List<String> classpath, Path logFile, List<String> jvmOptions,
                                  String mainClass, List<String> args, boolean ownSession) throws IOException {
        Files.writeString(argFile, "-cp " + quote(String.join(File.pathSeparator, classpath)) + "\n", StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + argFile);
        command.addAll(jvmOptions);
        command.add(ChildMain.class.getName());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(ownSession ? inOwnSession(command) : command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        return builder.start();
    }

    /**
     * The command run through {@code setsid}, in a session and process group of its own, when
     * {@code setsid} exists (util-linux, on every Debian). A Ctrl-C in a terminal sends SIGINT
     * to the terminal's foreground process group: without this the servers would stop at the
     * same moment as the JVM that started them, and the components that JVM closes first would
     * wait for a broker that is already gone. The parent stops its children itself, last, and
     * they still die with it after a {@code kill -9}, because they watch their standard input.
     * {@code setsid} execs the command in its own process (the child of a JVM never leads a
     * process group), so {@link Process#pid()} stays the server's.
     */
    static List<String> inOwnSession(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            log.debug("{} is missing; {} runs in this process group and a Ctrl-C reaches it directly", SETSID, command.get(0));
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * This JVM's classpath with manifest-only jars (such as Surefire's booter jar) expanded,
     * foreign SLF4J providers removed, and the log4j2 SLF4J provider added: the broker's.
     */
    static List<String> classpath() {
        return classpath(System.getProperty("java.class.path"));
    }

    static List<String> classpath(String javaClassPath) {
        Set<String> entries = new LinkedHashSet<>(expand(javaClassPath, true));
        entries.removeIf(e -> FOREIGN_LOGGING.matcher(Path.of(e).getFileName().toString()).matches());
        Path provider = Artifacts.log4jSlf4jProvider();
        if (provider != null) {
            entries.add(provider.toString());
        } else {
            log.warn("log4j-slf4j2-impl {} is not in the local Maven repository, so the Kafka broker will not log;"
                    + " fetch it with '{}'", Artifacts.LOG4J_VERSION, Artifacts.fetchCommand());
        }
        return new ArrayList<>(entries);
    }

    /** This JVM's classpath as it is, with only manifest-only jars (Surefire's booter) expanded: a component's. */
    static List<String> ownClasspath() {
        return ownClasspath(System.getProperty("java.class.path"));
    }

    static List<String> ownClasspath(String javaClassPath) {
        return new ArrayList<>(new LinkedHashSet<>(expand(javaClassPath, false)));
    }

    /**
     * Absolute classpath entries; a jar that holds nothing but a manifest is replaced by its Class-Path, and so
     * is an application launcher jar when {@code replaceLaunchers} (see {@link #manifestOnlyClassPath}).
     */
    private static List<String> expand(String javaClassPath, boolean replaceLaunchers) {
        List<String> entries = new ArrayList<>();
        for (String entry : javaClassPath.split(Pattern.quote(File.pathSeparator))) {
            if (entry.isEmpty()) {
                continue;
            }
            List<String> manifestEntries = manifestOnlyClassPath(Path.of(entry), replaceLaunchers);
            if (manifestEntries != null) {
                entries.addAll(manifestEntries);
            } else {
                // Absolute: the child runs in another working directory.
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return entries;
    }

    /**
     * The Class-Path of a jar that holds nothing but a manifest (Surefire's booter jar) or, when
     * {@code replaceLaunchers}, of an application launcher jar with a Main-Class (such as
     * {@code weir.jar}, whose own classes the broker never needs and whose Class-Path would
     * otherwise bring back the logging providers removed above); {@code null} for any other entry.
     */
    private static List<String> manifestOnlyClassPath(Path entry, boolean replaceLaunchers) {
        if (!entry.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return null;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            boolean launcher = replaceLaunchers && manifest != null
                    && manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS) != null;
            if (classPath == null || (!launcher && jar.stream().anyMatch(e -> !e.getName().startsWith("META-INF/")))) {
                return null;
            }
            URI base = entry.toAbsolutePath().toUri();
            List<String> result = new ArrayList<>();
            for (String url : classPath.trim().split("\\s+")) {
                result.add(Path.of(base.resolve(new URI(url))).toString());
            }
            return result;
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            log.debug("Could not read the manifest of {}; using it as it is", entry, e);
            return null;
        }
    }

    /** Quotes a value for a java @argfile. */
    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * The last lines of a log file, for error messages; never throws.
     *
     * @param file  a child's log file
     * @param lines how many lines at most
     * @return those lines, or a sentence saying why there are none
     */
    public static String tail(Path file, int lines) {
        try {
            if (!Files.isRegularFile(file)) {
                return "(no log at " + file + ")";
            }
            long size = Files.size(file);
            long from = Math.max(0, size - 64 * 1024);
            byte[] bytes;
            try (var channel = Files.newByteChannel(file)) {
                channel.position(from);
                var buffer = java.nio.ByteBuffer.allocate((int) (size - from));
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // read fully
                }
                bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
            }
            List<String> all = List.of(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    /** Appends a marker line to a child's log so that restarts are easy to tell apart. */
    static void mark(Path logFile, String line) {
        try {
            Files.writeString(logFile, "=== weir: " + line + " ===" + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.debug("Could not write to {}", logFile, e);
        }
    }
}

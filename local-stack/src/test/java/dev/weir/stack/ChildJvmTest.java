package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    /** Prints its arguments and a system property, then runs until it is stopped (its shutdown hook says so). */
    public static final class Echo {
        public static void main(String[] args) throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopping")));
            System.out.println("args " + String.join(",", args) + " property " + System.getProperty("weir.test.echo"));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void shouldRunAMainClassWithItsArgumentsAndOptionsAndStopItWithItsShutdownHooks(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("echo.log");

        Process child = ChildJvm.launch(log, List.of("-Xmx64m", "-Dweir.test.echo=yes"), Echo.class.getName(), List.of("a", "b c"));
        Poll.until(java.time.Duration.ofSeconds(60), () -> Files.readString(log).contains("args a,b c property yes"),
                () -> "the child's output in " + log + ": " + ChildJvm.tail(log, 20));
        int status = ChildJvm.stop(child, java.time.Duration.ofSeconds(30));

        assertThat(status).isEqualTo(143);
        assertThat(Files.readString(log)).contains("=== weir: starting " + Echo.class.getName() + " a b c ===").contains("stopping");
    }

    @Test
    void shouldHaltAChildWhoseParentIsGone(@TempDir Path dir) throws Exception {
        Process child = ChildJvm.launch(dir.resolve("echo.log"), List.of("-Xmx64m"), Echo.class.getName(), List.of());

        child.getOutputStream().close(); // what the parent's death does to the pipe

        assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("echo.log"))).contains("parent process is gone");
    }

    @Test
    void shouldGiveAComponentThisJvmsClasspathWithItsLoggingAndLauncherJars(@TempDir Path dir) throws IOException {
        Path logback = Files.createFile(dir.resolve("logback-classic-1.5.20.jar"));
        Path weir = dir.resolve("weir.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.weir.cli.Weir");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/kafka_2.13-4.1.1.jar");
        try (OutputStream out = Files.newOutputStream(weir); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new java.util.jar.JarEntry("dev/weir/cli/Weir.class"));
            jar.closeEntry();
        }

        List<String> classpath = ChildJvm.ownClasspath(weir + java.io.File.pathSeparator + logback);

        assertThat(classpath).containsExactly(weir.toString(), logback.toString());
        assertThat(ChildJvm.classpath(weir + java.io.File.pathSeparator + logback)).doesNotContain(weir.toString(), logback.toString());
    }

    @Test
    void shouldGiveTheChildEveryJarOfThisJvmExceptForeignLoggingProviders() {
        List<String> classpath = ChildJvm.classpath();

        assertThat(classpath).anyMatch(e -> e.contains("kafka_2.13-"));
        assertThat(classpath).anyMatch(e -> e.contains("kafka-clients-"));
        assertThat(classpath).allMatch(e -> Files.exists(Path.of(e)), "every entry exists");
        assertThat(classpath).filteredOn(e -> e.contains("log4j-slf4j2-impl")).hasSize(1);
    }

    @Test
    void shouldExpandAManifestOnlyJarLikeSurefiresBooter(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path kafka = Files.createFile(lib.resolve("kafka_2.13-4.1.1.jar"));
        Path logback = Files.createFile(lib.resolve("logback-classic-1.5.20.jar"));
        Path classes = Files.createDirectories(dir.resolve("test classes"));
        Path booter = dir.resolve("surefirebooter123.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                "lib/kafka_2.13-4.1.1.jar " + logback.toUri() + " test%20classes/");
        try (OutputStream out = Files.newOutputStream(booter); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }

        List<String> classpath = ChildJvm.classpath(booter.toString());

        assertThat(classpath).startsWith(kafka.toString(), classes.toString());
        assertThat(classpath).doesNotContain(booter.toString(), logback.toString());
    }
}

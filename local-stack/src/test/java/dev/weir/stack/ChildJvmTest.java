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

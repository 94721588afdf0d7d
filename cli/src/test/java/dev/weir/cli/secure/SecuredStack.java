package dev.weir.cli.secure;

import dev.weir.stack.LocalStack;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One secured stack (a SASL_SSL broker with SCRAM-SHA-512 user {@code weir}, an Elasticsearch with
 * security and TLS and user {@code weir-es}) shared by the secured tests of one test JVM: it takes
 * most of a minute to start, and the tests only read it. Started on first use, closed with the
 * JVM's tests. The passwords are fresh per run, so tests can look for them in what Weir prints.
 *
 * <pre>{@code
 * @ExtendWith(SecuredStack.Extension.class)
 * class SecuredPipelineIT {
 *     @BeforeAll
 *     static void start(SecuredStack secured) { ... }
 * }
 * }</pre>
 *
 * @param stack         the running stack
 * @param kafkaPassword the password of Kafka user {@code weir}
 * @param esPassword    the password of Elasticsearch user {@code weir-es}
 */
record SecuredStack(LocalStack stack, String kafkaPassword, String esPassword) {
    static final String KAFKA_USER = "weir";
    static final String ES_USER = "weir-es";

    /** Resolves {@link SecuredStack} parameters from the JVM-wide instance. */
    static final class Extension implements ParameterResolver {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SecuredStack.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SecuredStack.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Shared.class, k -> Shared.start(), Shared.class).secured;
        }
    }

    /** The store value; JUnit closes it with the root context. */
    private static final class Shared implements AutoCloseable {
        private final SecuredStack secured;
        private final Path dir;

        private Shared(SecuredStack secured, Path dir) {
            this.secured = secured;
            this.dir = dir;
        }

        static Shared start() {
            String kafkaPassword = "planted-kafka-" + UUID.randomUUID().toString().substring(0, 8);
            String esPassword = "planted-es-" + UUID.randomUUID().toString().substring(0, 8);
            try {
                Path dir = Files.createTempDirectory("weir-secured-stack-");
                // createTempDirectory makes it private to this user; the Elasticsearch user must get in
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                LocalStack stack = LocalStack.startSecured(dir.resolve("stack"),
                        new LocalStack.Secured(Map.of(KAFKA_USER, kafkaPassword), ES_USER, esPassword), true);
                return new Shared(new SecuredStack(stack, kafkaPassword, esPassword), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("The secured stack did not start: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            secured.stack().close();
            TempDirs.delete(dir);
        }
    }
}

package dev.weir.stack.junit;

import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.LocalStack;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tests a real Kafka broker and Elasticsearch: one {@link LocalStack} per test JVM, shared
 * by all test classes that use this extension, started on first use and closed when the JVM's
 * tests are done.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class SinkIT {
 *     @Test
 *     void shouldIndexEveryRecord(KafkaBroker kafka, ElasticsearchNode es) { ... }
 * }
 * }</pre>
 *
 * <p>Resolves parameters of type {@link LocalStack}, {@link KafkaBroker} and
 * {@link ElasticsearchNode} in constructors, lifecycle methods and tests. Kafka starts before the
 * first class's {@code @BeforeAll}; Elasticsearch only when some parameter asks for it.
 *
 * <p>Files: in a fresh directory under the directory named by the system property
 * {@value #DIR_PROPERTY} or the environment variable {@value #DIR_ENV}, kept afterwards for
 * inspection; without either, in a fresh temporary directory deleted at the end.
 *
 * <p>Tests sharing the broker should use their own topic names (e.g. derived from the test name),
 * since topics and records outlive a test.
 */
public final class LocalStackExtension implements ParameterResolver, BeforeAllCallback {

    /** System property naming the directory under which each test JVM's stack files go. */
    public static final String DIR_PROPERTY = "weir.stack.dir";
    /** Environment variable used when {@value #DIR_PROPERTY} is not set. */
    public static final String DIR_ENV = "WEIR_STACK_DIR";

    private static final Logger log = LoggerFactory.getLogger(LocalStackExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == LocalStack.class || type == KafkaBroker.class || type == ElasticsearchNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        LocalStack stack = stack(extensionContext);
        if (type == KafkaBroker.class) {
            return stack.kafka();
        }
        if (type == ElasticsearchNode.class) {
            try {
                return stack.elasticsearch();
            } catch (RuntimeException e) {
                throw new ParameterResolutionException("Elasticsearch did not start: " + e.getMessage(), e);
            }
        }
        return stack;
    }

    /**
     * The stack of this test JVM, starting it on first use.
     *
     * @param context any extension context of the run
     * @return the running stack
     */
    public static LocalStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedStack.class, k -> SharedStack.start(), SharedStack.class)
                .get();
    }

    /**
     * The store value: the stack, or why it did not start (so that later classes fail at once
     * instead of waiting for the same timeout again). JUnit closes it with the root context.
     */
    private static final class SharedStack implements AutoCloseable {
        private final LocalStack stack;
        private final RuntimeException failure;
        private final Path dir;
        private final boolean deleteOnClose;

        private SharedStack(LocalStack stack, RuntimeException failure, Path dir, boolean deleteOnClose) {
            this.stack = stack;
            this.failure = failure;
            this.dir = dir;
            this.deleteOnClose = deleteOnClose;
        }

        static SharedStack start() {
            String parent = System.getProperty(DIR_PROPERTY);
            if (parent == null || parent.isBlank()) {
                parent = System.getenv(DIR_ENV);
            }
            boolean temporary = parent == null || parent.isBlank();
            Path dir = null;
            try {
                if (temporary) {
                    dir = Files.createTempDirectory("weir-stack-");
                } else {
                    Files.createDirectories(Path.of(parent));
                    dir = Files.createTempDirectory(Path.of(parent), "stack-");
                }
                // createTempDirectory makes it private to this user; the Elasticsearch user must get in
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                log.info("Starting the local stack for tests in {}", dir);
                return new SharedStack(LocalStack.start(dir, false), null, dir, temporary);
            } catch (IOException | RuntimeException e) {
                String where = dir == null ? "(no directory)" : dir.toString();
                RuntimeException failure = new IllegalStateException("The local stack for tests did not start in " + where
                        + ": " + e.getMessage(), e);
                return new SharedStack(null, failure, dir, false);
            }
        }

        LocalStack get() {
            if (failure != null) {
                throw failure;
            }
            return stack;
        }

        @Override
        public void close() {
            if (stack != null) {
                stack.close();
            }
            if (deleteOnClose && dir != null) {
                try {
                    TempDirs.delete(dir);
                } catch (UncheckedIOException e) {
                    log.warn("Could not delete the local stack's files in {}", dir, e);
                }
            }
        }
    }
}

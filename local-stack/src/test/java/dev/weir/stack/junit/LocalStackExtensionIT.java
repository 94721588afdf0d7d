package dev.weir.stack.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.KafkaBroker;
import dev.weir.stack.LocalStack;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackExtensionIT {

    private static LocalStack fromBeforeAll;

    @BeforeAll
    static void rememberStack(LocalStack stack) {
        fromBeforeAll = stack;
    }

    @Test
    void shouldGiveEveryParameterTheSameSharedStack(LocalStack stack, KafkaBroker kafka) {
        assertThat(stack).isSameAs(fromBeforeAll);
        assertThat(kafka).isSameAs(stack.kafka());
        assertThat(Files.isDirectory(stack.baseDir().resolve("kafka"))).isTrue();
    }

    @Nested
    @ExtendWith(LocalStackExtension.class)
    class AnotherClass {
        @Test
        void shouldShareTheStackWithOtherClasses(LocalStack stack) {
            assertThat(stack).isSameAs(fromBeforeAll);
        }
    }
}

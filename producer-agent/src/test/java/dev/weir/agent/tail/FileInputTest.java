package dev.weir.agent.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FileInputTest {
    @Test
    void shouldFindTheFirstNewlineWhateverItsPositionAndTheBytesAroundIt() {
        Random random = new Random(7);
        byte[] nearNewline = {'\n', '\n' - 1, '\n' + 1, 0, (byte) 0x8a, (byte) 0xff, 'a', '\r'};
        for (int round = 0; round < 100_000; round++) {
            byte[] a = new byte[random.nextInt(40)];
            for (int i = 0; i < a.length; i++) {
                a[i] = round % 2 == 0 ? nearNewline[random.nextInt(nearNewline.length)] : (byte) random.nextInt(256);
            }
            int from = a.length == 0 ? 0 : random.nextInt(a.length + 1);
            int to = from + random.nextInt(a.length - from + 1);
            int expected = -1;
            for (int i = from; i < to && expected < 0; i++) {
                if (a[i] == '\n') {
                    expected = i;
                }
            }

            assertThat(FileInput.indexOf(a, from, to)).as("first newline in [%d, %d) of %s", from, to, java.util.Arrays.toString(a))
                    .isEqualTo(expected);
        }
    }

    @Test
    void shouldFindNoNewlineBeyondTheEndOfTheRange() {
        byte[] a = "0123456789abcdef\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(FileInput.indexOf(a, 0, 16)).isEqualTo(-1);
        assertThat(FileInput.indexOf(a, 3, 17)).isEqualTo(16);
    }
}

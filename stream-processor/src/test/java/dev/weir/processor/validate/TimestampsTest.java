package dev.weir.processor.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    @Test
    void shouldReadTheCanonicalShapeAsTheIsoParserDoes() {
        Random rnd = new Random(3);
        int fast = 0;
        for (int i = 0; i < 200_000; i++) {
            String fraction = rnd.nextInt(4) == 0 ? "" : "." + String.valueOf(rnd.nextLong() & Long.MAX_VALUE)
                    .substring(0, 1 + rnd.nextInt(9));
            String s = String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", 1900 + rnd.nextInt(300), rnd.nextInt(14),
                    rnd.nextInt(33), rnd.nextInt(26), rnd.nextInt(61), rnd.nextInt(62), fraction);
            Instant t = Timestamps.parseCanonicalUtc(s);
            if (t != null) {
                fast++;
                assertThat(t).as(s).isEqualTo(Timestamps.parseIso(s));
            }
        }
        assertThat(fast).as("strings read without the formatter").isGreaterThan(100_000);
    }

    @Test
    void shouldLeaveOtherShapesToTheFormatter() {
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14T09:26:53.589+01:00")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14 09:26:53Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14t09:26:53z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14T09:26Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14T09:26:53.Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-02-30T09:26:53Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14T24:00:00Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2016-12-31T23:59:60Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("2025-03-14T09:26:53.5890000001Z")).isNull();
        assertThat(Timestamps.parseCanonicalUtc("1741944413589")).isNull();
    }
}

package dev.weir.bench.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPlotTest {

    @Test
    void shouldWriteAPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/latency.png");

        new LatencyPlot(900, 360, "test").write(file, List.of(
                new LatencyPlot.Series("weir", List.of(80.0, 95.0, 120.0), Color.BLUE),
                new LatencyPlot.Series("prometheus", List.of(-40.0, 0.0, 1100.0, 1300.0, 2400.0), Color.RED)));

        assertThat(file).exists();
        assertThat(Files.size(file)).isPositive();
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(360);
    }

    @Test
    void shouldRefuseASeriesWithoutMeasurements() {
        assertThatThrownBy(() -> new LatencyPlot.Series("empty", List.of(), Color.BLACK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no measurements");
    }

    @Test
    void shouldLabelMillisecondsAndSeconds() {
        assertThat(LatencyPlot.label(100)).isEqualTo("100 ms");
        assertThat(LatencyPlot.label(1000)).isEqualTo("1 s");
        assertThat(LatencyPlot.label(47_250)).isEqualTo("47.25 s");
    }
}

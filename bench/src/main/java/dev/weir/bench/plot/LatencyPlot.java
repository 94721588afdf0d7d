package dev.weir.bench.plot;

import dev.weir.bench.stats.Summary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Draws latency distributions as a PNG with Java2D (headless): one row per series on a shared
 * logarithmic time axis, every measurement a dot (jittered vertically so equal values stay
 * visible), the median a thick bar, the p99 a thin bar, with the figures written beside them.
 * Not thread-safe; create one per picture.
 */
public final class LatencyPlot {
    /**
     * One row of the plot.
     *
     * @param name   label of the row
     * @param millis the measurements, milliseconds, at least one
     * @param color  colour of the dots
     */
    public record Series(String name, List<Double> millis, Color color) {
        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(color, "color");
            millis = List.copyOf(millis);
            if (millis.isEmpty()) {
                throw new IllegalArgumentException("Series " + name + " has no measurements; leave it out of the plot.");
            }
        }
    }

    private static final int LEFT = 370;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;

    private final int width;
    private final int height;
    private final String title;

    /**
     * @param width  image width in pixels, at least 400
     * @param height image height in pixels, at least 200
     * @param title  drawn at the top
     */
    public LatencyPlot(int width, int height, String title) {
        if (width < 400 || height < 200) {
            throw new IllegalArgumentException("Invalid plot size " + width + "x" + height + ": must be at least 400x200");
        }
        this.width = width;
        this.height = height;
        this.title = Objects.requireNonNull(title, "title");
    }

    /**
     * Writes the plot.
     *
     * @param file   the PNG to write (parent directories are created)
     * @param series the rows, top to bottom; at least one
     * @throws IOException when the file cannot be written
     */
    public void write(Path file, List<Series> series) throws IOException {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("Nothing to plot: give at least one series.");
        }
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, series);
        } finally {
            g.dispose();
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("No PNG writer available in this JVM; cannot write " + file);
        }
    }

    private void draw(Graphics2D g, List<Series> series) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        // Values below 1 ms (an alert that came before the event it is measured from) cannot sit on a log axis:
        // they are drawn at its left edge and counted in the row's label.
        double lo = Double.MAX_VALUE;
        double hi = 1;
        for (Series s : series) {
            for (double v : s.millis()) {
                if (v >= 1) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        lo = lo == Double.MAX_VALUE ? 1 : lo;
        double minDecade = Math.floor(Math.log10(lo));
        double maxDecade = Math.max(minDecade + 1, Math.ceil(Math.log10(hi)));
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        Axis axis = new Axis(LEFT, plotW, minDecade, maxDecade);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 30);

        // decades and their labels
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double d = minDecade; d <= maxDecade; d++) {
            for (int m = 1; m < 10 && d + Math.log10(m) <= maxDecade; m++) {
                int x = axis.x(Math.pow(10, d) * m);
                g.setColor(m == 1 ? new Color(200, 200, 200) : new Color(235, 235, 235));
                g.drawLine(x, TOP, x, TOP + plotH);
            }
            int x = axis.x(Math.pow(10, d));
            g.setColor(Color.DARK_GRAY);
            String label = label(Math.pow(10, d));
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
        }
        g.drawString("latency: crossing event produced → request at the Slack stub (log scale)", LEFT, height - 15);
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);

        int rowH = plotH / series.size();
        Random jitter = new Random(7);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int mid = TOP + rowH * i + rowH / 2;
            Summary sum = Summary.of(s.millis());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(s.name(), 12, mid - 8);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(String.format(Locale.ROOT, "n=%d  median %s  p99 %s", sum.count(), label(sum.median()), label(sum.p99())),
                    12, mid + 10);
            long below = s.millis().stream().filter(v -> v < Math.pow(10, minDecade)).count();
            if (below > 0) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%d below %s, drawn at the left edge", below, label(Math.pow(10, minDecade))),
                        12, mid + 26);
            }
            Color dot = new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), 140);
            g.setColor(dot);
            int spread = Math.max(4, rowH / 3);
            for (double v : s.millis()) {
                int x = axis.x(Math.max(v, Math.pow(10, minDecade)));
                int y = mid + (int) Math.round((jitter.nextDouble() - 0.5) * spread);
                g.fillOval(x - 3, y - 3, 7, 7);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(4));
            int xm = axis.x(Math.max(sum.median(), Math.pow(10, minDecade)));
            g.drawLine(xm, mid - spread / 2 - 8, xm, mid + spread / 2 + 8);
            g.setStroke(new BasicStroke(1.5f));
            int xp = axis.x(Math.max(sum.p99(), Math.pow(10, minDecade)));
            g.drawLine(xp, mid - spread / 2 - 8, xp, mid + spread / 2 + 8);
            if (i > 0) {
                g.setColor(new Color(220, 220, 220));
                g.drawLine(LEFT, TOP + rowH * i, LEFT + plotW, TOP + rowH * i);
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("thick bar: median · thin bar: p99 · dots: each incident", LEFT + plotW - 330, TOP - 8);
    }

    static String label(double ms) {
        if (Math.abs(ms) >= 1000) {
            double s = ms / 1000;
            return s == Math.rint(s) ? String.format(Locale.ROOT, "%.0f s", s) : String.format(Locale.ROOT, "%.2f s", s);
        }
        return ms == Math.rint(ms) ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private record Axis(int left, int plotWidth, double minDecade, double maxDecade) {
        int x(double ms) {
            double f = (Math.log10(ms) - minDecade) / (maxDecade - minDecade);
            return left + (int) Math.round(f * plotWidth);
        }
    }
}

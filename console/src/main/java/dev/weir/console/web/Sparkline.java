package dev.weir.console.web;

import java.util.List;
import java.util.Locale;

/**
 * A small line chart drawn by the server as SVG polyline points: no script per row, so a table
 * of hundreds of services paints at once.
 *
 * @param points polyline points in a {@value #WIDTH} x {@value #HEIGHT} box, e.g. {@code 0,20 2,18 ...}
 * @param errorPoints the error ratio's points in the same box (0..100 % scaled to the box), or empty
 * @param max    the largest value, for the tooltip
 */
public record Sparkline(String points, String errorPoints, double max) {
    public static final int WIDTH = 120;
    public static final int HEIGHT = 24;

    /**
     * @param values one value per window, oldest first
     * @param errorRatios one error ratio per window (0..1), same length, or null
     * @return the sparkline
     */
    public static Sparkline of(List<Double> values, List<Double> errorRatios) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return new Sparkline(points(values, max), errorRatios == null ? "" : points(errorRatios, 1.0), max);
    }

    private static String points(List<Double> values, double max) {
        StringBuilder b = new StringBuilder();
        int n = values.size();
        for (int i = 0; i < n; i++) {
            double x = n == 1 ? 0 : (double) i * WIDTH / (n - 1);
            double y = HEIGHT - 1 - (max <= 0 ? 0 : values.get(i) / max * (HEIGHT - 2));
            if (i > 0) {
                b.append(' ');
            }
            b.append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        return b.toString();
    }
}

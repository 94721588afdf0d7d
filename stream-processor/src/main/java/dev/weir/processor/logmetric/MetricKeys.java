package dev.weir.processor.logmetric;

import java.util.List;

/**
 * Keys of {@code log-metrics-store}. A series is a metric and its label values ({@code SERIES} = {@code metric␀v1␁v2…});
 * under it:
 * <ul>
 *   <li>{@code ␀S SERIES}: the series' {@link SeriesInfo} (version, last event, totals); all such keys sort together,
 *       by metric, so they are the index of the series a task holds;</li>
 *   <li>{@code SERIES␀m<minute>}, {@code SERIES␀h<hour>}: the {@link Aggregate} of one UTC minute or hour (the bucket's
 *       index since the epoch in 16 hex digits, so keys sort by time).</li>
 * </ul>
 * Kept: {@value #MINUTES} minutes (the 1h window and the minute being filled) and {@value #HOURS} hours (the 1d window);
 * distributions keep minutes only. Label values have U+0000 and U+0001 replaced, as those separate the key's parts.
 */
final class MetricKeys {
    /** Minute buckets kept per series. */
    static final int MINUTES = 61;
    /** Hour buckets kept per series. */
    static final int HOURS = 25;
    static final long MINUTE_MS = 60_000L;
    static final long HOUR_MS = 3_600_000L;
    private static final String INDEX = "\u0000S";

    private MetricKeys() {
    }

    /** @return the series of a metric with these label values */
    static String series(String metric, List<String> values) {
        StringBuilder b = new StringBuilder(metric.length() + 32).append(metric).append('\u0000');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append('\u0001');
            }
            String v = values.get(i);
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                b.append(c == '\u0000' || c == '\u0001' ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    /** @return the label values of a series, in the metric's label order */
    static List<String> values(String series) {
        return List.of(series.substring(series.indexOf('\u0000') + 1).split("\u0001", -1));
    }

    /** @return the metric of a series */
    static String metricOf(String series) {
        return series.substring(0, series.indexOf('\u0000'));
    }

    /** @return the key of a series' info */
    static String info(String series) {
        return INDEX + series;
    }

    /** @return the series of an info key */
    static String seriesOfInfo(String infoKey) {
        return infoKey.substring(INDEX.length());
    }

    /** @return the first info key of a metric's series */
    static String infoStart(String metric) {
        return INDEX + metric + '\u0000';
    }

    /** @return the first key after a metric's info keys */
    static String infoEnd(String metric) {
        return INDEX + metric + '\u0001';
    }

    /** @return the first key of every series' info */
    static String allInfoStart() {
        return INDEX;
    }

    /** @return the first key after every series' info */
    static String allInfoEnd() {
        return "\u0000T";
    }

    /** @return the key of a minute bucket */
    static String minute(String series, long minute) {
        return bucket(series, 'm', minute);
    }

    /** @return the key of an hour bucket */
    static String hour(String series, long hour) {
        return bucket(series, 'h', hour);
    }

    static String bucket(String series, char grain, long index) {
        String hex = Long.toHexString(index);
        return series + '\u0000' + grain + "0000000000000000".substring(hex.length()) + hex;
    }

    /** @return the first key after every bucket of a series */
    static String seriesEnd(String series) {
        return series + '\u0001';
    }
}

package dev.weir.processor.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * One pair of a multi-window, multi-burn-rate SLO alert: it holds when the error budget burns
 * faster than {@code factor} over both the long and the short window.
 *
 * @param longWindow  e.g. 1h
 * @param shortWindow e.g. 5m (usually a twelfth of the long one)
 * @param factor      burn-rate threshold, e.g. 14.4
 */
public record BurnWindow(Duration longWindow, Duration shortWindow, double factor) {
    public BurnWindow {
        Objects.requireNonNull(longWindow, "longWindow");
        Objects.requireNonNull(shortWindow, "shortWindow");
    }
}

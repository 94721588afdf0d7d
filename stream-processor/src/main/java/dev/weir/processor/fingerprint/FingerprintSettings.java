package dev.weir.processor.fingerprint;

import java.util.List;

/**
 * Error fingerprint settings.
 *
 * @param inAppPackages package prefixes of the services' own code ({@code dev.shop.}); when empty,
 *                      every frame outside well-known library and JDK packages counts as in-app
 * @param maxFrames     how many in-app frames go into the fingerprint
 */
public record FingerprintSettings(List<String> inAppPackages, int maxFrames) {

    /** No configured packages, 5 frames. */
    public static final FingerprintSettings DEFAULTS = new FingerprintSettings(List.of(), 5);

    public FingerprintSettings {
        inAppPackages = List.copyOf(inAppPackages);
        if (maxFrames < 1 || maxFrames > 50) {
            throw new IllegalArgumentException("Invalid value " + maxFrames + " for maxFrames: must be between 1 and 50");
        }
    }
}

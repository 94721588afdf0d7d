package dev.weir.cli.demo;

/**
 * What the demo traffic is doing at a point of its cycle. Each incident is aimed at one
 * service so that its alert is easy to tell apart from the others.
 */
public enum Phase {
    /** Normal traffic: about 0.5% 5xx, p95 around 300 ms. */
    STEADY,
    /** payments answers 25% of its requests with 5xx and logs the errors. */
    ERROR_SPIKE,
    /** catalog slows down: p95 around 3 s. */
    LATENCY_REGRESSION,
    /** auth sees one source IP fail to log in dozens of times, then succeed. */
    BRUTE_FORCE;

    /**
     * The phase at {@code secondsIntoCycle} of a cycle of {@code cycleSeconds}: the first
     * quarter steady, then a quarter of each incident, the brute force in the last quarter.
     *
     * @param secondsIntoCycle seconds since the cycle began, {@code 0 <= s < cycleSeconds}
     * @param cycleSeconds the cycle length, at least 4 seconds
     * @return the phase in force
     */
    public static Phase at(long secondsIntoCycle, long cycleSeconds) {
        if (cycleSeconds < 4) {
            throw new IllegalArgumentException("cycleSeconds must be at least 4, was " + cycleSeconds);
        }
        long quarter = cycleSeconds / 4;
        long s = Math.floorMod(secondsIntoCycle, cycleSeconds);
        if (s < quarter) {
            return STEADY;
        }
        if (s < 2 * quarter) {
            return ERROR_SPIKE;
        }
        if (s < 3 * quarter) {
            return LATENCY_REGRESSION;
        }
        return BRUTE_FORCE;
    }
}

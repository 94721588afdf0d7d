package dev.weir.bench.scale;

/**
 * How a measured quantity (a store's entries or bytes) changed while the number of distinct keys
 * grew, between the smallest and the largest point of a series.
 */
public enum Growth {
    /** At least half as fast as the keys: it grows with them. */
    WITH_KEYS("grows with the keys"),
    /** At most doubled while the keys grew at least fivefold: a cap holds it. */
    BOUNDED("bounded"),
    /** In between, or too few keys to tell. */
    SUBLINEAR("grows more slowly than the keys");

    private final String text;

    Growth(String text) {
        this.text = text;
    }

    /** @return the classification in words */
    public String text() {
        return text;
    }

    /**
     * @param keysFrom  distinct keys of the smallest point, positive
     * @param keysTo    distinct keys of the largest point, above {@code keysFrom}
     * @param valueFrom the quantity at the smallest point
     * @param valueTo   the quantity at the largest point
     * @return how the quantity grew
     * @throws IllegalArgumentException when the key counts do not grow
     */
    public static Growth of(long keysFrom, long keysTo, long valueFrom, long valueTo) {
        if (keysFrom < 1 || keysTo <= keysFrom) {
            throw new IllegalArgumentException("Invalid key counts " + keysFrom + " → " + keysTo + ": need 0 < from < to");
        }
        double keys = (double) keysTo / keysFrom;
        double value = (double) Math.max(1, valueTo) / Math.max(1, valueFrom);
        if (value >= keys / 2) {
            return WITH_KEYS;
        }
        if (keys >= 5 && value <= 2) {
            return BOUNDED;
        }
        return SUBLINEAR;
    }
}

package dev.weir.processor.slo;

/**
 * Keys of {@code slo-counts-store}. A target is an SLO ({@code s:NAME}) or a probe ({@code p:NAME}); under it:
 * <ul>
 *   <li>{@code TARGET␀m<minute>}, {@code TARGET␀h<hour>}, {@code TARGET␀d<day>}: good and total events of one
 *       UTC minute, hour or day (the bucket's index since the epoch, 16 hex digits, so keys sort by time);</li>
 *   <li>{@code TARGET␀q<5 minutes>}: a probe's latency sketch of five minutes;</li>
 *   <li>{@code TARGET␀i}: what the target is (version, last event; a probe's last result).</li>
 * </ul>
 * Kept: minutes 3 days (the longest burn-rate window), hours 31 days (the longest error-budget window),
 * days 90 (the status page's bar), sketches 1 hour. So a target holds at most 4 320 + 744 + 90 + 12 + 1
 * keys, whatever its traffic.
 */
public final class SloKeys {
    /** Bucket granularities: letter, width in milliseconds, buckets kept. */
    public enum Grain {
        MINUTE('m', 60_000L, 3 * 24 * 60),
        HOUR('h', 3_600_000L, 31 * 24),
        DAY('d', 86_400_000L, 90),
        SKETCH('q', 300_000L, 12);

        final char letter;
        /** Bucket width, ms. */
        public final long width;
        /** Buckets kept, the current one included. */
        public final int kept;

        Grain(char letter, long width, int kept) {
            this.letter = letter;
            this.width = width;
            this.kept = kept;
        }

        /** @return the bucket index of a time */
        public long bucket(long millis) {
            return Math.floorDiv(millis, width);
        }
    }

    private SloKeys() {
    }

    /** @return the target of an SLO */
    public static String slo(String name) {
        return "s:" + name;
    }

    /** @return the target of a probe */
    public static String probe(String name) {
        return "p:" + name;
    }

    /** @return the key of a bucket of a target */
    public static String bucket(String target, Grain grain, long index) {
        String hex = Long.toHexString(index);
        return target + '\u0000' + grain.letter + "0000000000000000".substring(hex.length()) + hex;
    }

    /** @return the key of a target's info */
    public static String info(String target) {
        return target + "\u0000i";
    }

    /** @return the key that lists {@code target} among the targets with state (all such keys sort before every target) */
    public static String index(String target) {
        return "\u0000T" + target;
    }

    /** @return the first key of the target index */
    public static String indexStart() {
        return "\u0000T";
    }

    /** @return the first key after the target index */
    public static String indexEnd() {
        return "\u0000U";
    }

    /** @return the first key after every key of {@code target} */
    public static String end(String target) {
        return target + '\u0001';
    }

    /** @return the target of a key */
    public static String targetOf(String key) {
        int i = key.indexOf('\u0000');
        return i < 0 ? key : key.substring(0, i);
    }
}

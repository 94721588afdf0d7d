package dev.weir.agent.browser;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A token bucket per client address: {@code perMinute} requests at once, then one every {@code 60 s / perMinute}. At
 * most {@value #MAX_CLIENTS} clients are remembered; beyond that the one idle longest is forgotten (and starts again
 * with a full bucket), so memory stays bounded whatever the number of addresses. Thread-safe (one lock; a check is a
 * map lookup and some arithmetic).
 */
public final class ClientRate {
    static final int MAX_CLIENTS = 10_000;

    private final Clock clock;
    private final double perMilli;
    private final double capacity;
    /** Access order: the eldest entry is the client idle longest. */
    private final LinkedHashMap<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true);

    /**
     * @param perMinute requests a client may make per minute, at least 1
     * @param clock     the time
     */
    public ClientRate(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be at least 1, got " + perMinute);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.capacity = perMinute;
        this.perMilli = perMinute / 60_000.0;
    }

    /**
     * Takes one request of {@code client} if its bucket allows.
     *
     * @param client the client's address
     * @return {@link Duration#ZERO} when the request may go ahead, else how long until it may (at least a millisecond)
     */
    public synchronized Duration take(String client) {
        long now = clock.millis();
        double[] b = buckets.get(client);
        if (b == null) {
            if (buckets.size() >= MAX_CLIENTS) {
                Iterator<Map.Entry<String, double[]>> eldest = buckets.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
            b = new double[] {capacity, now};
            buckets.put(client, b);
        } else {
            b[0] = Math.min(capacity, b[0] + (now - b[1]) * perMilli);
            b[1] = now;
        }
        if (b[0] >= 1) {
            b[0] -= 1;
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(1, (long) Math.ceil((1 - b[0]) / perMilli)));
    }
}

package dev.weir.emitter.alert;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alert fingerprints computed the way Prometheus' {@code model.LabelSet.Fingerprint} does:
 * 64-bit FNV-1a over the label names and values in name order, each followed by the byte
 * 0xff, printed as 16 hex digits. Alerts posted by Prometheus therefore keep the fingerprint
 * Alertmanager would show for them.
 */
public final class Fingerprints {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fingerprints() {}

    /**
     * @param labels the alert's labels
     * @return 16 lowercase hex digits
     */
    public static String of(Map<String, String> labels) {
        long hash = OFFSET;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            hash = add(hash, e.getKey().getBytes(StandardCharsets.UTF_8));
            hash = addByte(hash, (byte) 0xff);
            hash = add(hash, e.getValue().getBytes(StandardCharsets.UTF_8));
            hash = addByte(hash, (byte) 0xff);
        }
        return String.format("%016x", hash);
    }

    private static long add(long hash, byte[] bytes) {
        for (byte b : bytes) {
            hash = addByte(hash, b);
        }
        return hash;
    }

    private static long addByte(long hash, byte b) {
        hash ^= (b & 0xff);
        return hash * PRIME;
    }
}

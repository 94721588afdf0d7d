package dev.weir.processor.normalize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic event ids: the same raw record (topic, partition, offset) always gets the same id,
 * so reprocessing after a crash or a replay does not create a second document in Elasticsearch.
 */
public final class EventIds {
    /**
     * One digest per thread: {@code MessageDigest.getInstance} looks the algorithm up in the security providers
     * each time, which cost about as much as the hash itself when it ran once per event.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private EventIds() {}

    /**
     * @param topic     source topic
     * @param partition source partition
     * @param offset    source offset
     * @return 32 hex characters: the first 16 bytes of SHA-256 over {@code topic/partition/offset}
     */
    public static String of(String topic, int partition, long offset) {
        // digest() resets the digest, so the next call starts clean
        byte[] digest = SHA_256.get().digest((topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }
}

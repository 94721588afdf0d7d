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
    private EventIds() {}

    /**
     * @param topic     source topic
     * @param partition source partition
     * @param offset    source offset
     * @return 32 hex characters: the first 16 bytes of SHA-256 over {@code topic/partition/offset}
     */
    public static String of(String topic, int partition, long offset) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package dev.weir.processor.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What {@code slo-counts-store} knows of a target besides its counts, stored as JSON under
 * {@link SloKeys#info}.
 *
 * @param version       an SLO's definition version its counts were kept under (0 for a probe)
 * @param service       the service of the target's latest event
 * @param lastEventTime event time of its latest event, epoch ms
 * @param lastEventWall wall time it was processed, epoch ms
 * @param up            a probe's latest result
 * @param status        a probe's latest HTTP status, 0 for none
 * @param durationMs    a probe's latest run time
 * @param failures      a probe's consecutive failed runs
 * @param since         event time of a probe's latest change between up and down
 */
public record TargetInfo(long version, String service, long lastEventTime, long lastEventWall, boolean up, int status,
                         double durationMs, long failures, long since) {
    private static final ObjectMapper JSON = new ObjectMapper();

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new SerializationException("Cannot write target info", e);
        }
    }

    static TargetInfo decode(byte[] bytes) {
        try {
            return JSON.readValue(bytes, TargetInfo.class);
        } catch (IOException e) {
            throw new SerializationException("Corrupt target info (" + bytes.length + " bytes)", e);
        }
    }
}

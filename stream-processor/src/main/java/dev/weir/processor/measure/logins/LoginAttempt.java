package dev.weir.processor.measure.logins;

import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One login attempt, from a request to a login route (401/403 failure, 2xx/3xx success) or an
 * authentication log event ({@code event.category: authentication}, outcome failure/success).
 *
 * @param service     service logged in to
 * @param sourceIp    client address, or {@code null}
 * @param userName    user tried, or {@code null}
 * @param success     whether it succeeded
 * @param eventId     the event's id, for exemplars
 * @param timestampMs event time
 * @param count       attempts the event stands for: 1, or N for a syslog line repeated N times
 */
public record LoginAttempt(String service, String sourceIp, String userName, boolean success, String eventId, long timestampMs,
                           long count) {

    /** @return the attempt a request event stands for: none unless it hit a login route with a decisive status */
    public static List<LoginAttempt> of(RequestEvent e) {
        if (e == null || !e.getLoginAttempt()) {
            return List.of();
        }
        int status = e.getStatus();
        boolean failure = status == 401 || status == 403;
        boolean success = status >= 200 && status < 400;
        if (!failure && !success) {
            return List.of();
        }
        return List.of(new LoginAttempt(e.getService(), e.getClientIp(), e.getUserName(), success, e.getId(),
                e.getTimestamp().toEpochMilli(), 1));
    }

    /** @return the attempt an authentication log event stands for, if any */
    public static List<LoginAttempt> of(LogEvent e) {
        EventInfo info = e == null ? null : e.getEvent();
        if (info == null || info.getCategory() == null || info.getOutcome() == null
                || !"authentication".equals(info.getCategory().toLowerCase(Locale.ROOT))) {
            return List.of();
        }
        String outcome = info.getOutcome().toLowerCase(Locale.ROOT);
        if (!outcome.equals("failure") && !outcome.equals("success")) {
            return List.of();
        }
        return List.of(new LoginAttempt(e.getService(), e.getSourceIp(), e.getUserName(), outcome.equals("success"),
                e.getId(), e.getTimestamp().toEpochMilli(), e.getCount()));
    }

    /**
     * @return the serde of the repartition topics (a small binary format, version byte first: 2 adds the count;
     *         version 1, without it, is still read, as one attempt)
     */
    public static Serde<LoginAttempt> serde() {
        return Serdes.serdeFrom((topic, a) -> {
            if (a == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(2);
                Binary.writeString(out, a.service);
                Binary.writeString(out, a.sourceIp);
                Binary.writeString(out, a.userName);
                out.writeBoolean(a.success);
                Binary.writeString(out, a.eventId);
                out.writeLong(a.timestampMs);
                out.writeLong(a.count);
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException(e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte version = in.readByte();
                if (version != 1 && version != 2) {
                    throw new SerializationException("Unknown login attempt format " + data[0]);
                }
                return new LoginAttempt(Binary.readString(in), Binary.readString(in), Binary.readString(in),
                        in.readBoolean(), Binary.readString(in), in.readLong(), version == 1 ? 1 : in.readLong());
            } catch (IOException e) {
                throw new SerializationException("Corrupt login attempt (" + data.length + " bytes)", e);
            }
        });
    }
}

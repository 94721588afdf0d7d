package dev.weir.schemas.serde;

import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Serdes for every Avro value Weir writes to Kafka. Each call builds a new {@link AvroSerde} that
 * writes the current schema and reads the current schema plus every released version shipped in
 * this jar (parsing those costs a few milliseconds), so create one per type in the component's
 * {@code App} and pass it on; serdes are thread-safe.
 */
public final class WeirSerdes {

    private WeirSerdes() {
    }

    /** @return serde for {@code weir.logs} values */
    public static AvroSerde<LogEvent> logEvent() {
        return forType(LogEvent.class);
    }

    /** @return serde for {@code weir.requests} values */
    public static AvroSerde<RequestEvent> requestEvent() {
        return forType(RequestEvent.class);
    }

    /** @return serde for {@code weir.stats.errors} values */
    public static AvroSerde<ErrorRateWindow> errorRateWindow() {
        return forType(ErrorRateWindow.class);
    }

    /** @return serde for {@code weir.stats.latency} values */
    public static AvroSerde<LatencyWindow> latencyWindow() {
        return forType(LatencyWindow.class);
    }

    /** @return serde for {@code weir.stats.logins} values */
    public static AvroSerde<LoginBurstWindow> loginBurstWindow() {
        return forType(LoginBurstWindow.class);
    }

    /** @return serde for {@code weir.alerts} values */
    public static AvroSerde<AlertEvent> alertEvent() {
        return forType(AlertEvent.class);
    }

    /**
     * @param type a generated class of this module
     * @param <T>  its type
     * @return a serde that knows the current and all released versions of {@code type}'s schema
     * @throws IllegalStateException if a release snapshot on the classpath is broken
     */
    public static <T extends SpecificRecord> AvroSerde<T> forType(Class<T> type) {
        return new AvroSerde<>(type, ReleasedSchemas.of(SpecificData.getForClass(type).getSchema(type)));
    }
}

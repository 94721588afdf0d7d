package dev.weir.processor.measure;

import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Clean events for tests. */
public final class Events {
    private static final AtomicLong IDS = new AtomicLong();

    private Events() {
    }

    public static RequestEvent request(String service, String route, int status, Double durationMs, Instant at) {
        return RequestEvent.newBuilder()
                .setId("r" + IDS.incrementAndGet()).setTimestamp(at).setReceivedAt(at)
                .setService(service).setMethod("GET").setRoute(route).setPath(route).setStatus(status)
                .setDurationMs(durationMs).build();
    }

    public static RequestEvent loginRequest(String service, String ip, String user, int status, Instant at) {
        RequestEvent e = request(service, "/login", status, 12.0, at);
        e.setMethod("POST");
        e.setLoginAttempt(true);
        e.setClientIp(ip);
        e.setUserName(user);
        return e;
    }

    public static LogEvent log(String service, LogLevel level, Instant at) {
        return LogEvent.newBuilder()
                .setId("l" + IDS.incrementAndGet()).setTimestamp(at).setReceivedAt(at)
                .setService(service).setLevel(level).setMessage("m").build();
    }

    public static LogEvent authLog(String service, String ip, String user, boolean success, Instant at) {
        LogEvent e = log(service, LogLevel.INFO, at);
        e.setEvent(EventInfo.newBuilder().setCategory("authentication").setOutcome(success ? "success" : "failure").build());
        e.setSourceIp(ip);
        e.setUserName(user);
        return e;
    }
}

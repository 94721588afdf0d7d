package dev.weir.processor.rules;

import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Clean events for rule tests. */
final class RuleEvents {
    private static final AtomicLong IDS = new AtomicLong();

    private RuleEvents() {
    }

    static RequestEvent request(String service, int status, double durationMs, Instant at) {
        long n = IDS.incrementAndGet();
        return RequestEvent.newBuilder()
                .setId("r" + n).setTraceId("t" + n).setTimestamp(at).setReceivedAt(at)
                .setService(service).setMethod("GET").setRoute("/orders").setPath("/orders").setStatus(status)
                .setDurationMs(durationMs).build();
    }

    static RequestEvent login(String service, String ip, int status, Instant at) {
        RequestEvent e = request(service, status, 12.0, at);
        e.setMethod("POST");
        e.setRoute("/login");
        e.setPath("/login");
        e.setLoginAttempt(true);
        e.setClientIp(ip);
        e.setUserName("alice");
        return e;
    }

    static LogEvent log(String service, LogLevel level, Instant at) {
        return LogEvent.newBuilder()
                .setId("l" + IDS.incrementAndGet()).setTimestamp(at).setReceivedAt(at)
                .setService(service).setLevel(level).setMessage("m").build();
    }

    /** An error log whose exception type is named after {@code kind}: one kind, one fingerprint. */
    static LogEvent error(String service, String kind, Instant at) {
        LogEvent e = log(service, LogLevel.ERROR, at);
        e.setError(ErrorInfo.newBuilder().setType("example." + kind + ".SQLTimeoutException").build());
        return e;
    }

    static LogEvent authFailure(String service, String ip, Instant at) {
        LogEvent e = log(service, LogLevel.INFO, at);
        e.setEvent(EventInfo.newBuilder().setCategory("authentication").setOutcome("failure").build());
        e.setSourceIp(ip);
        return e;
    }

    /** An sshd-like authentication log line of {@code user} from {@code ip}, standing for {@code count} attempts. */
    static LogEvent auth(String service, String ip, String user, boolean success, long count, Instant at) {
        LogEvent e = log(service, LogLevel.INFO, at);
        e.setEvent(EventInfo.newBuilder().setCategory("authentication").setAction("ssh_login")
                .setOutcome(success ? "success" : "failure").build());
        e.setSourceIp(ip);
        e.setUserName(user);
        e.setCount(count);
        return e;
    }
}

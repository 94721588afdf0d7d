package dev.weir.sink;

import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample events for tests. */
public final class Events {
    public static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589Z");

    private Events() {
    }

    /** A minimal valid log event. */
    public static LogEvent log(String id, String service, String environment, Instant at) {
        return LogEvent.newBuilder()
                .setId(id).setTimestamp(at).setReceivedAt(at.plusMillis(5))
                .setService(service).setEnvironment(environment)
                .setLevel(LogLevel.INFO).setMessage("event " + id)
                .setSource(SourceInfo.newBuilder().setFormat("ecs").build())
                .build();
    }

    /** A log event with every field set. */
    public static LogEvent fullLog() {
        return LogEvent.newBuilder()
                .setId("e-1").setTimestamp(T0).setReceivedAt(T0.plusMillis(12))
                .setService("checkout").setEnvironment("prod").setHost("checkout-7d9c")
                .setLevel(LogLevel.ERROR).setMessage("Payment failed for order 1042")
                .setLogger("dev.shop.PaymentClient").setThread("http-nio-8080-exec-3")
                .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736").setSpanId("00f067aa0ba902b7")
                .setError(ErrorInfo.newBuilder().setType("java.net.SocketTimeoutException").setMessage("Read timed out")
                        .setStackTrace("java.net.SocketTimeoutException: Read timed out\n\tat x").setFingerprint("fp1").build())
                .setEvent(EventInfo.newBuilder().setCategory("web").setAction("payment").setOutcome("failure")
                        .setDurationNs(1_500_000_000L).build())
                .setUserName("bob").setSourceIp("198.51.100.23").setSourcePort(51234)
                .setHttp(HttpInfo.newBuilder().setMethod("POST").setRoute("/orders/{id}/pay").setPath("/orders/1042/pay")
                        .setStatus(502).setDurationMs(1500.0).setBytes(512L).build())
                .setLabels(Map.of("region", "eu-west-1"))
                .setTags(List.of("payments"))
                .setSource(SourceInfo.newBuilder().setFormat("ecs").setFile("/var/log/app.json").setOffset(4096L)
                        .setInput("file").build())
                .setRedactions(2)
                .build();
    }

    /** A request event. */
    public static RequestEvent request(String id, String service, String environment, Instant at) {
        return RequestEvent.newBuilder()
                .setId(id).setTimestamp(at).setReceivedAt(at.plusMillis(3))
                .setService(service).setEnvironment(environment)
                .setMethod("POST").setRoute("/login").setPath("/login").setStatus(401).setDurationMs(35.2)
                .setBytes(120L).setClientIp("198.51.100.23").setUserAgent("curl/8").setUserName("bob")
                .setLoginAttempt(true)
                .build();
    }

    /** An alert state change. */
    public static AlertEvent alert(String fingerprint, AlertStatus status, Instant startsAt, Instant updatedAt) {
        return AlertEvent.newBuilder()
                .setFingerprint(fingerprint).setStatus(status).setRule("HighErrorRate").setSeverity("critical")
                .setLabels(Map.of("service", "checkout"))
                .setAnnotations(Map.of("summary", "Error rate above 5%", "runbook_url", "https://runbooks/x"))
                .setValue(0.07).setThreshold(0.05).setStartsAt(startsAt)
                .setEndsAt(status == AlertStatus.RESOLVED ? updatedAt : null)
                .setKibanaUrl("http://kibana/app/discover").setExemplarEventIds(List.of("e-1")).setExemplarTraceIds(List.of())
                .setUpdatedAt(updatedAt)
                .build();
    }
}

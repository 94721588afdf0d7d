package dev.weir.schemas.serde;

import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.LoginBurstKind;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated instance of each payload type. */
final class Samples {

    static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589Z");
    static final Instant T1 = Instant.parse("2025-03-14T09:26:53.712Z");

    private Samples() {
    }

    static LogEvent logEvent() {
        return LogEvent.newBuilder()
                .setId("evt-7f3a")
                .setTimestamp(T0)
                .setReceivedAt(T1)
                .setService("checkout")
                .setEnvironment("prod")
                .setHost("checkout-7d9c")
                .setLevel(LogLevel.ERROR)
                .setMessage("Payment failed for order 1042")
                .setLogger("dev.shop.PaymentClient")
                .setThread("http-nio-8080-exec-3")
                .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .setSpanId("00f067aa0ba902b7")
                .setError(ErrorInfo.newBuilder()
                        .setType("java.net.SocketTimeoutException")
                        .setMessage("Read timed out")
                        .setStackTrace("java.net.SocketTimeoutException: Read timed out\n\tat ...")
                        .setFingerprint("e3b0c442")
                        .build())
                .setEvent(EventInfo.newBuilder()
                        .setCategory("web").setAction("payment").setOutcome("failure").setDurationNs(1_500_000L)
                        .build())
                .setUserName("alice")
                .setSourceIp("203.0.113.7")
                .setSourcePort(51234)
                .setHttp(HttpInfo.newBuilder()
                        .setMethod("POST").setRoute("/orders/{id}/pay").setPath("/orders/1042/pay")
                        .setStatus(502).setDurationMs(1.5).setBytes(312L)
                        .build())
                .setLabels(Map.of("region", "eu-west-1", "team", "payments"))
                .setTags(List.of("payments", "canary"))
                .setSource(SourceInfo.newBuilder()
                        .setFormat("ecs").setFile("/var/log/checkout/app.json").setOffset(40960L).setInput("file")
                        .build())
                .setRedactions(2)
                .setCount(5)
                .setEcs(Map.of("process.pid", 4242L, "process.name", "java", "event.risk_score", 21.5, "url.query", "a=1",
                        "event.type", List.of("info", "error"), "user.roles", List.of(), "tls.established", true))
                .build();
    }

    static LogEvent minimalLogEvent() {
        return LogEvent.newBuilder()
                .setId("evt-1")
                .setTimestamp(T0)
                .setReceivedAt(T1)
                .setService("checkout")
                .build();
    }

    static RequestEvent requestEvent() {
        return RequestEvent.newBuilder()
                .setId("req-9c1e")
                .setTimestamp(T0)
                .setReceivedAt(T1)
                .setService("auth")
                .setEnvironment("prod")
                .setHost("auth-1")
                .setMethod("POST")
                .setRoute("/login")
                .setPath("/login")
                .setStatus(401)
                .setDurationMs(23.4)
                .setBytes(87L)
                .setClientIp("198.51.100.23")
                .setUserAgent("curl/8.5.0")
                .setUserName("bob")
                .setTraceId("0af7651916cd43dd8448eb211c80319c")
                .setLabels(Map.of("region", "eu-west-1"))
                .setLoginAttempt(true)
                .setEcs(Map.of("http.version", "1.1", "url.query", "next=%2F", "source.port", 40022L))
                .build();
    }

    static ErrorRateWindow errorRateWindow() {
        return ErrorRateWindow.newBuilder()
                .setService("checkout")
                .setRoute("/orders/{id}/pay")
                .setWindowStart(Instant.parse("2025-03-14T09:26:00Z"))
                .setWindowEnd(Instant.parse("2025-03-14T09:27:00Z"))
                .setRequests(1200)
                .setErrors4xx(31)
                .setErrors5xx(88)
                .setErrorLogs(90)
                .setLogs(4100)
                .setLateEvents(3)
                .build();
    }

    static LatencyWindow latencyWindow() {
        return LatencyWindow.newBuilder()
                .setService("checkout")
                .setRoute(null)
                .setWindowStart(Instant.parse("2025-03-14T09:26:00Z"))
                .setWindowEnd(Instant.parse("2025-03-14T09:27:00Z"))
                .setCount(1200)
                .setSketch(ByteBuffer.wrap(new byte[] {0x0a, 0x09, 0x09, 0x01, 0x02, 0x03}))
                .setRelativeAccuracy(0.01)
                .setP50(12.0).setP90(48.5).setP95(95.1).setP99(410.0).setP999(1990.0)
                .setMin(0.8).setMax(2400.0).setSum(40_123.5)
                .build();
    }

    static LoginBurstWindow loginBurstWindow() {
        return LoginBurstWindow.newBuilder()
                .setKind(LoginBurstKind.SPRAYING)
                .setKey("203.0.113.7")
                .setService("sshd@bastion-1")
                .setSourceIp("203.0.113.7")
                .setUserName(null)
                .setWindowStart(Instant.parse("2025-03-14T09:25:00Z"))
                .setWindowEnd(Instant.parse("2025-03-14T09:30:00Z"))
                .setFailures(57)
                .setSuccesses(0)
                .setDistinctUsers(41)
                .setDistinctIps(1)
                .setSuccess(false)
                .setSampleUsers(List.of("admin", "oracle", "test"))
                .setExemplarEventIds(List.of("evt-1", "evt-2"))
                .build();
    }

    static AlertEvent alertEvent() {
        return AlertEvent.newBuilder()
                .setFingerprint("c0ffee1234567890")
                .setStatus(AlertStatus.RESOLVED)
                .setRule("HighErrorRate")
                .setSeverity("critical")
                .setLabels(Map.of("alertname", "HighErrorRate", "service", "checkout"))
                .setAnnotations(Map.of(
                        "summary", "checkout error rate 7.3% > 5%",
                        "description", "5xx share over 5m",
                        "runbook_url", "https://runbooks.example/high-error-rate"))
                .setValue(0.073)
                .setThreshold(0.05)
                .setStartsAt(T0)
                .setEndsAt(T1)
                .setKibanaUrl("http://kibana:5601/app/discover#/?_g=(time:(from:'2025-03-14T09:21:53Z'))")
                .setExemplarEventIds(List.of("evt-7f3a"))
                .setExemplarTraceIds(List.of("4bf92f3577b34da6a3ce929d0e0e4736"))
                .setGenerator("weir-processor")
                .setUpdatedAt(T1)
                .build();
    }
}

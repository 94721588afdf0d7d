package dev.weir.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.Topics;
import dev.weir.common.redact.RedactionSettings;
import dev.weir.processor.fingerprint.FingerprintSettings;
import dev.weir.processor.route.RouteSettings;
import dev.weir.processor.validate.Limits;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizeTopologyTest {
    private static final String TS = "2025-03-14T09:26:53.589Z";
    private static final Instant T = Instant.parse(TS);

    @TempDir
    Path stateDir;
    NormalizeDriver d;

    @BeforeEach
    void setUp() {
        d = new NormalizeDriver(NormalizeSettings.DEFAULTS, stateDir);
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    @Test
    void shouldNormaliseLogstashEncoderOutput() {
        d.log("""
                {"@timestamp":"2025-03-14T10:26:53.589+01:00","@version":"1","message":"Payment failed for order 1042","logger_name":"dev.shop.PaymentClient","thread_name":"http-nio-8080-exec-3","level":"ERROR","level_value":40000,"stack_trace":"java.net.SocketTimeoutException: Read timed out\\n\\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\\n\\tat dev.shop.PaymentClient.pay(PaymentClient.java:42)","traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","orderId":"1042","service":"checkout"}
                """);
        LogEvent e = d.onlyLog();
        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getService()).isEqualTo("checkout");
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getMessage()).isEqualTo("Payment failed for order 1042");
        assertThat(e.getLogger()).isEqualTo("dev.shop.PaymentClient");
        assertThat(e.getThread()).isEqualTo("http-nio-8080-exec-3");
        assertThat(e.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(e.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(e.getError().getType()).isEqualTo("java.net.SocketTimeoutException");
        assertThat(e.getError().getStackTrace()).startsWith("java.net.SocketTimeoutException: Read timed out");
        assertThat(e.getError().getFingerprint()).hasSize(32);
        assertThat(e.getLabels()).containsExactly(java.util.Map.entry("orderId", "1042"));
        assertThat(e.getSource().getFormat()).isEqualTo("logstash");
    }

    /** What the agent's browser beacon writes for a JavaScript error thrown on a page served from {@code origin}. */
    private static String browserError(String origin, int version, int line) {
        return ("{\"@timestamp\":\"" + TS + "\",\"event.id\":\"b-1-" + version + "\",\"service.name\":\"shop-web\","
                + "\"event.category\":\"web\",\"event.action\":\"javascript-error\",\"url.path\":\"/cart\","
                + "\"user_agent.original\":\"Mozilla/5.0 HeadlessChrome/120.0\",\"log.level\":\"ERROR\","
                + "\"message\":\"Uncaught TypeError: Cannot read properties of undefined (reading 'items')\",\"error.type\":\"TypeError\","
                + "\"error.message\":\"Cannot read properties of undefined (reading 'items')\",\"error.stack_trace\":\"TypeError: Cannot read"
                + " properties of undefined (reading 'items')\\n    at renderTotals (ORIGIN/static/cart.js?v=VERSION:LINE:20)\\n"
                + "    at ORIGIN/static/cart.js?v=VERSION:5:37\",\"host.name\":\"edge-1\"}\n")
                .replace("ORIGIN", origin).replace("VERSION", Integer.toString(version)).replace("LINE", Integer.toString(line));
    }

    @Test
    void shouldFingerprintABrowserErrorTheSameWhateverOriginAndVersionServedTheScript() {
        d.log(browserError("http://127.0.0.1:41234", 7, 2));
        LogEvent local = d.onlyLog();
        d.log(browserError("https://shop.example.com", 8, 3));
        LogEvent prod = d.onlyLog();

        assertThat(local.getError().getType()).isEqualTo("TypeError");
        assertThat(local.getEvent().getAction()).isEqualTo("javascript-error");
        assertThat(local.getHttp().getRoute()).isEqualTo("/cart");
        assertThat(local.getError().getFingerprint()).hasSize(32).isEqualTo(prod.getError().getFingerprint());
    }

    @Test
    void shouldNormaliseEcsDottedLog() {
        d.log("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","log.level":"ERROR","message":"Payment failed for order 1042","ecs.version":"1.2.0","service.name":"checkout","service.environment":"prod","host.name":"checkout-7d9c","process.thread.name":"http-nio-8080-exec-3","log.logger":"dev.shop.PaymentClient","error.type":"java.net.SocketTimeoutException","error.message":"Read timed out","error.stack_trace":"java.net.SocketTimeoutException: Read timed out\\n\\tat dev.shop.PaymentClient.pay(PaymentClient.java:42)","trace.id":"4bf92f3577b34da6a3ce929d0e0e4736","span.id":"00f067aa0ba902b7","event.category":"web","event.action":"payment","event.outcome":"failure","event.duration":1500000000,"http.request.method":"POST","url.path":"/orders/1042/pay","http.response.status_code":502,"labels.region":"eu-west-1"}
                """);
        LogEvent e = d.onlyLog();
        assertThat(e.getEnvironment()).isEqualTo("prod");
        assertThat(e.getHost()).isEqualTo("checkout-7d9c");
        assertThat(e.getError().getMessage()).isEqualTo("Read timed out");
        assertThat(e.getEvent().getCategory()).isEqualTo("web");
        assertThat(e.getEvent().getOutcome()).isEqualTo("failure");
        assertThat(e.getEvent().getDurationNs()).isEqualTo(1_500_000_000L);
        assertThat(e.getHttp().getMethod()).isEqualTo("POST");
        assertThat(e.getHttp().getPath()).isEqualTo("/orders/1042/pay");
        assertThat(e.getHttp().getRoute()).isEqualTo("/orders/{id}/pay");
        assertThat(e.getHttp().getStatus()).isEqualTo(502);
        assertThat(e.getHttp().getDurationMs()).isEqualTo(1500.0);
        assertThat(e.getLabels()).as("ecs.version is the sink's: the document follows Weir's ECS version")
                .containsExactly(java.util.Map.entry("region", "eu-west-1"));
        assertThat(e.getEcs()).isEmpty();
        assertThat(e.getSource().getFormat()).isEqualTo("ecs");
    }

    @Test
    void shouldNormaliseEcsNestedLog() {
        d.log("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","log":{"level":"warn","logger":"dev.shop.Auth"},"message":"Login failed for bob","service":{"name":"auth","environment":"prod"},"event":{"category":["authentication"],"action":"user-login","outcome":"failure"},"user":{"name":"bob"},"source":{"ip":"198.51.100.23","port":51234},"tags":["login"]}
                """);
        LogEvent e = d.onlyLog();
        assertThat(e.getService()).isEqualTo("auth");
        assertThat(e.getEnvironment()).isEqualTo("prod");
        assertThat(e.getLevel()).isEqualTo(LogLevel.WARN);
        assertThat(e.getLogger()).isEqualTo("dev.shop.Auth");
        assertThat(e.getEvent().getCategory()).isEqualTo("authentication");
        assertThat(e.getEvent().getOutcome()).isEqualTo("failure");
        assertThat(e.getUserName()).isEqualTo("bob");
        assertThat(e.getSourceIp()).isEqualTo("198.51.100.23");
        assertThat(e.getSourcePort()).isEqualTo(51234);
        assertThat(e.getTags()).containsExactly("login");
        assertThat(e.getLabels()).isEmpty();
    }

    @Test
    void shouldPreferDottedKeyOverNestedObjectForTheSameField() {
        d.log("""
                {"@timestamp":"%s","log":{"level":"info"},"log.level":"error","message":"m","service":"a"}
                """.formatted(TS));
        assertThat(d.onlyLog().getLevel()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void shouldNormaliseEcsAuthenticationFailureWithDottedKeys() {
        d.log("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","service.name":"auth","log.level":"warn","message":"Login failed","event.category":"authentication","event.action":"user-login","event.outcome":"failure","user.name":"bob","source.ip":"198.51.100.23"}
                """);
        LogEvent e = d.onlyLog();
        assertThat(e.getEvent().getCategory()).isEqualTo("authentication");
        assertThat(e.getEvent().getOutcome()).isEqualTo("failure");
        assertThat(e.getUserName()).isEqualTo("bob");
    }

    @Test
    void shouldNormaliseRequestEventWithPlainNames() {
        d.request("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","service":"checkout","method":"get","path":"/orders/1042?page=2","status":200,"duration_ms":12.7,"bytes":5120,"client_ip":"203.0.113.7","user_agent":"Mozilla/5.0","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
                """);
        RequestEvent r = d.onlyRequest();
        assertThat(r.getService()).isEqualTo("checkout");
        assertThat(r.getTimestamp()).isEqualTo(T);
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getPath()).isEqualTo("/orders/1042");
        assertThat(r.getRoute()).isEqualTo("/orders/{id}");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getDurationMs()).isEqualTo(12.7);
        assertThat(r.getBytes()).isEqualTo(5120L);
        assertThat(r.getClientIp()).isEqualTo("203.0.113.7");
        assertThat(r.getUserAgent()).isEqualTo("Mozilla/5.0");
        assertThat(r.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(r.getLoginAttempt()).isFalse();
    }

    @Test
    void shouldNormaliseRequestEventWithEcsNamesAndNanosecondDuration() {
        d.request("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","service.name":"checkout","http.request.method":"GET","url.path":"/orders/1042","http.response.status_code":200,"event.duration":12700000,"http.response.body.bytes":5120,"client.ip":"203.0.113.7","user_agent.original":"Mozilla/5.0"}
                """);
        RequestEvent r = d.onlyRequest();
        assertThat(r.getDurationMs()).isEqualTo(12.7);
        assertThat(r.getBytes()).isEqualTo(5120L);
        assertThat(r.getClientIp()).isEqualTo("203.0.113.7");
        assertThat(r.getUserAgent()).isEqualTo("Mozilla/5.0");
        assertThat(r.getRoute()).isEqualTo("/orders/{id}");
    }

    @Test
    void shouldPreferDurationMsOverEventDuration() {
        d.request("""
                {"@timestamp":"%s","service":"a","method":"GET","path":"/","status":200,"duration_ms":5,"event.duration":99000000}
                """.formatted(TS));
        assertThat(d.onlyRequest().getDurationMs()).isEqualTo(5.0);
    }

    @Test
    void shouldAcceptRequestWithoutDuration() {
        d.request("""
                {"@timestamp":"%s","service":"a","method":"GET","path":"/x","status":"404"}
                """.formatted(TS));
        RequestEvent r = d.onlyRequest();
        assertThat(r.getDurationMs()).isNull();
        assertThat(r.getStatus()).isEqualTo(404);
    }

    @Test
    void shouldMarkRequestToConfiguredLoginRouteAsLoginAttempt() {
        d.request("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","service":"auth","method":"POST","path":"/login","status":401,"duration_ms":35.2,"client_ip":"198.51.100.23","user_name":"bob"}
                """);
        RequestEvent r = d.onlyRequest();
        assertThat(r.getLoginAttempt()).isTrue();
        assertThat(r.getUserName()).isEqualTo("bob");
    }

    @Test
    void shouldNormaliseAccessLogLineParsedByAgent() {
        d.request("""
                {"@timestamp":"2025-03-14T09:26:53Z","service":"shop-nginx","method":"GET","path":"/orders/1042","status":200,"bytes":5120,"duration_ms":13.0,"client_ip":"203.0.113.7","user_name":"alice","user_agent":"Mozilla/5.0 (X11; Linux x86_64)","labels.referrer":"https://shop.example/","weir.format":"nginx","log.file.path":"/var/log/nginx/access.log","log.offset":40960}
                """);
        RequestEvent r = d.onlyRequest();
        assertThat(r.getService()).isEqualTo("shop-nginx");
        assertThat(r.getDurationMs()).isEqualTo(13.0);
        assertThat(r.getLabels()).containsExactly(java.util.Map.entry("referrer", "https://shop.example/"));
    }

    @Test
    void shouldNormaliseSshdLineParsedByAgent() {
        d.log("""
                {"@timestamp":"2025-03-14T09:26:53Z","service":"sshd","host.name":"bastion-1","log.level":"warn","message":"Failed password for invalid user admin from 203.0.113.7 port 51234 ssh2","event.category":"authentication","event.action":"ssh_login","event.outcome":"failure","user.name":"admin","source.ip":"203.0.113.7","source.port":51234,"labels.invalid_user":"true","weir.format":"sshd"}
                """);
        LogEvent e = d.onlyLog();
        assertThat(e.getSource().getFormat()).isEqualTo("sshd");
        assertThat(e.getHost()).isEqualTo("bastion-1");
        assertThat(e.getEvent().getAction()).isEqualTo("ssh_login");
        assertThat(e.getLabels()).containsEntry("invalid_user", "true");
    }

    @Test
    void shouldNormaliseRawLineWrappedByAgentWithProvenance() {
        d.log("""
                {"@timestamp":"2025-03-14T09:26:53Z","message":"something odd happened","weir.format":"raw","log.file.path":"/var/log/app.log","log.offset":77,"weir.input":"file"}
                """);
        LogEvent e = d.onlyLog();
        assertThat(e.getService()).isEqualTo("checkout");
        assertThat(e.getLevel()).isEqualTo(LogLevel.UNKNOWN);
        assertThat(e.getSource().getFormat()).isEqualTo("raw");
        assertThat(e.getSource().getFile()).isEqualTo("/var/log/app.log");
        assertThat(e.getSource().getOffset()).isEqualTo(77L);
        assertThat(e.getSource().getInput()).isEqualTo("file");
        assertThat(e.getLabels()).isEmpty();
    }

    @Test
    void shouldTreatLogEventSentToRequestTopicAsLog() {
        d.request("""
                {"@timestamp":"%s","message":"hello","service":"a"}
                """.formatted(TS));
        assertThat(d.onlyLog().getMessage()).isEqualTo("hello");
    }

    @Test
    void shouldTreatRequestEventSentToLogTopicAsRequest() {
        d.log("""
                {"@timestamp":"%s","service":"a","method":"GET","path":"/","status":200}
                """.formatted(TS));
        assertThat(d.onlyRequest().getRoute()).isEqualTo("/");
    }

    @Test
    void shouldKeyOutputByService() {
        d.log("""
                {"@timestamp":"%s","message":"m","service.name":"billing"}
                """.formatted(TS));
        assertThat(d.logs.readRecord().key()).isEqualTo("billing");
    }

    @Test
    void shouldUseRecordKeyAsServiceWhenEventNamesNone() {
        d.rawLogs.pipeInput("inventory", NormalizeDriver.utf8("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\"}"), NormalizeDriver.NOW);
        assertThat(d.onlyLog().getService()).isEqualTo("inventory");
    }

    @Test
    void shouldKeepIncomingEventId() {
        d.log("""
                {"@timestamp":"%s","message":"m","event.id":"abc-123"}
                """.formatted(TS));
        assertThat(d.onlyLog().getId()).isEqualTo("abc-123");
    }

    @Test
    void shouldDeriveIdFromSourcePositionWhenEventHasNone() {
        String json = "{\"@timestamp\":\"" + TS + "\",\"message\":\"same\"}";
        d.log(json);
        d.log(json);
        var out = d.logs.readValuesToList();
        assertThat(out).extracting(LogEvent::getId)
                .containsExactly(EventIds.of(Topics.RAW_LOGS, 0, 0), EventIds.of(Topics.RAW_LOGS, 0, 1));
    }

    @Test
    void shouldUseEventTimeAsOutputRecordTimeAndRecordTimeAsReceivedAt() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\"}");
        TestRecord<String, LogEvent> r = d.logs.readRecord();
        assertThat(r.getRecordTime()).isEqualTo(T);
        assertThat(r.value().getReceivedAt()).isEqualTo(NormalizeDriver.NOW);
    }

    @Test
    void shouldAcceptEpochMillisecondTimestamps() {
        d.log("{\"timestamp\":" + T.toEpochMilli() + ",\"message\":\"m\"}");
        assertThat(d.onlyLog().getTimestamp()).isEqualTo(T);
    }

    @Test
    void shouldAcceptTimestampWithCompactOffsetAndWithoutOffset() {
        d.log("{\"@timestamp\":\"2025-03-14T10:26:53.589+0100\",\"message\":\"m\"}");
        d.log("{\"@timestamp\":\"2025-03-14T09:26:53.589\",\"message\":\"m\"}");
        assertThat(d.logs.readValuesToList()).extracting(LogEvent::getTimestamp).containsExactly(T, T);
    }

    @Test
    void shouldMapLevelValueWhenLevelIsMissing() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\",\"level_value\":30000}");
        assertThat(d.onlyLog().getLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void shouldCutOverlongMessageAndTagItTruncated() {
        String big = "x".repeat(Limits.DEFAULTS.maxStringLength() + 100);
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"" + big + "\"}");
        LogEvent e = d.onlyLog();
        assertThat(e.getMessage()).hasSize(Limits.DEFAULTS.maxStringLength());
        assertThat(e.getTags()).contains(EventNormalizer.TRUNCATED_TAG);
    }

    @Test
    void shouldJoinArraysOfScalarsInLabels() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\",\"zones\":[\"a\",\"b\",3]}");
        assertThat(d.onlyLog().getLabels()).containsEntry("zones", "a,b,3");
    }

    @Test
    void shouldNeverDeadLetterForUnknownFields() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\",\"whatever\":{\"deep\":[{\"x\":1}]},\"flag\":true}");
        assertThat(d.onlyLog().getLabels()).containsEntry("flag", "true").containsEntry("whatever.deep", "[{\"x\":1}]");
    }

    @Test
    void shouldGiveSameFingerprintToErrorsThatDifferOnlyInLineNumbers() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\",\"stack_trace\":\"java.lang.IllegalStateException: boom 1\\n\\tat dev.shop.A.run(A.java:10)\"}");
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\",\"stack_trace\":\"java.lang.IllegalStateException: boom 2\\n\\tat dev.shop.A.run(A.java:99)\"}");
        var out = d.logs.readValuesToList();
        assertThat(out.get(0).getError().getFingerprint()).isEqualTo(out.get(1).getError().getFingerprint());
    }

    @Test
    void shouldFingerprintErrorLogWithoutErrorFieldsByItsMessage() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"level\":\"ERROR\",\"message\":\"Order 1042 failed\"}");
        d.log("{\"@timestamp\":\"" + TS + "\",\"level\":\"ERROR\",\"message\":\"Order 1043 failed\"}");
        var out = d.logs.readValuesToList();
        assertThat(out.get(0).getError().getFingerprint()).isNotNull().isEqualTo(out.get(1).getError().getFingerprint());
    }

    @Test
    void shouldCountRecordsInAndOutPerTopic() {
        d.log("{\"@timestamp\":\"" + TS + "\",\"message\":\"m\"}");
        d.request("{\"@timestamp\":\"" + TS + "\",\"service\":\"a\",\"method\":\"GET\",\"path\":\"/\",\"status\":200}");
        d.log("not json");
        assertThat(d.counter("weir.records.in", "topic", Topics.RAW_LOGS)).isEqualTo(2);
        assertThat(d.counter("weir.records.in", "topic", Topics.RAW_REQUESTS)).isEqualTo(1);
        assertThat(d.counter("weir.records.out", "topic", Topics.LOGS)).isEqualTo(1);
        assertThat(d.counter("weir.records.out", "topic", Topics.REQUESTS)).isEqualTo(1);
        assertThat(d.counter("weir.records.out", "topic", Topics.DEADLETTER)).isEqualTo(1);
    }
}

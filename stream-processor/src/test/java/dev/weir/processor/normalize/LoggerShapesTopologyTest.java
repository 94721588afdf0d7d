package dev.weir.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.samples.LoggerSamples;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Other languages' loggers and the agent's text parsers, through the production normaliser. */
class LoggerShapesTopologyTest {
    private static final Instant T = Instant.parse("2025-03-14T09:26:53.589Z");

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

    private LogEvent log(String json) {
        d.log(json);
        return d.onlyLog();
    }

    @Test
    void shouldReadPythonJsonLoggerWithItsChainedTraceback() {
        LogEvent e = log(LoggerSamples.PYTHON_JSON_LOGGER);

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getMessage()).isEqualTo("Order creation failed");
        assertThat(e.getLogger()).isEqualTo("orders.api");
        assertThat(e.getThread()).isEqualTo("MainThread");
        assertThat(e.getService()).isEqualTo("orders");
        assertThat(e.getError().getType()).as("the exception raised last").isEqualTo("orders.errors.OrderError");
        assertThat(e.getError().getMessage()).isEqualTo("invalid order 1042");
        assertThat(e.getError().getStackTrace()).startsWith("Traceback (most recent call last):").contains("KeyError: 'price'");
        assertThat(e.getError().getFingerprint()).hasSize(32);
        assertThat(e.getEcs()).containsEntry("process.pid", 4242L).containsEntry("log.origin.function", "create_order")
                .containsEntry("log.origin.file.line", 91L).containsEntry("log.origin.file.name", "api.py");
        assertThat(e.getLabels()).containsOnlyKeys("order_id");
        assertThat(e.getSource().getFormat()).isEqualTo("python");
    }

    @Test
    void shouldReadPythonCreatedSecondsExactlyAndLevelno() {
        LogEvent e = log("""
                {"created": 1741944413.589, "levelno": 30, "name": "orders", "message": "slow query", "service": "orders"}""");

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.WARN);
        assertThat(e.getLabels()).isEmpty();
    }

    @Test
    void shouldReadStructlog() {
        LogEvent e = log(LoggerSamples.STRUCTLOG);

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getMessage()).isEqualTo("payment declined");
        assertThat(e.getLevel()).isEqualTo(LogLevel.WARN);
        assertThat(e.getLogger()).isEqualTo("payments.worker");
        assertThat(e.getError().getType()).isEqualTo("ValueError");
        assertThat(e.getError().getMessage()).isEqualTo("card expired");
        assertThat(e.getSource().getFormat()).isEqualTo("structlog");
        assertThat(e.getLabels()).containsOnlyKeys("order_id");
    }

    @Test
    void shouldReadStructlogEpochSecondsTimestamp() {
        LogEvent e = log("""
                {"event": "started", "level": "info", "timestamp": 1741944413.589123}""");

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.INFO);
    }

    @Test
    void shouldReadPinoWithItsNumericLevelEpochMillisAndError() {
        LogEvent e = log(LoggerSamples.PINO);

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getMessage()).isEqualTo("request errored");
        assertThat(e.getLogger()).isEqualTo("checkout");
        assertThat(e.getHost()).isEqualTo("api-7f9c");
        assertThat(e.getError().getType()).isEqualTo("TypeError");
        assertThat(e.getError().getMessage()).isEqualTo("Cannot read properties of undefined (reading 'id')");
        assertThat(e.getError().getStackTrace()).contains("OrderService.total");
        assertThat(e.getHttp().getMethod()).isEqualTo("POST");
        assertThat(e.getHttp().getStatus()).isEqualTo(500);
        assertThat(e.getHttp().getDurationMs()).isEqualTo(12.0);
        assertThat(e.getEcs()).containsEntry("process.pid", 1234L).containsEntry("http.request.id", "7");
        assertThat(e.getSource().getFormat()).isEqualTo("pino");
    }

    @Test
    void shouldMapEveryPinoLevelNumber() {
        int[] numbers = {10, 20, 30, 40, 50, 60};
        LogLevel[] levels = {LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR, LogLevel.FATAL};
        for (int i = 0; i < numbers.length; i++) {
            assertThat(log("{\"level\":" + numbers[i] + ",\"time\":1741944413589,\"msg\":\"m\"}").getLevel()).isEqualTo(levels[i]);
        }
    }

    @Test
    void shouldReadWinstonWithItsStack() {
        LogEvent e = log(LoggerSamples.WINSTON);

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getService()).isEqualTo("payments");
        assertThat(e.getError().getType()).isEqualTo("Error");
        assertThat(e.getError().getMessage()).isEqualTo("connect ECONNREFUSED 10.0.0.5:5432");
        assertThat(e.getSource().getFormat()).isEqualTo("winston");
        assertThat(e.getLabels()).isEmpty();
    }

    @Test
    void shouldReadWinstonsNpmLevels() {
        assertThat(log("{\"level\":\"silly\",\"message\":\"m\",\"timestamp\":\"2025-03-14T09:26:53.589Z\"}").getLevel())
                .isEqualTo(LogLevel.TRACE);
        assertThat(log("{\"level\":\"http\",\"message\":\"m\",\"timestamp\":\"2025-03-14T09:26:53.589Z\"}").getLevel())
                .isEqualTo(LogLevel.INFO);
        assertThat(log("{\"level\":\"verbose\",\"message\":\"m\",\"timestamp\":\"2025-03-14T09:26:53.589Z\"}").getLevel())
                .isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void shouldReadZapWithEpochSecondsCallerAndStacktrace() {
        LogEvent e = log(LoggerSamples.ZAP);

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getMessage()).isEqualTo("request failed");
        assertThat(e.getError().getMessage()).isEqualTo("sql: no rows in result set");
        assertThat(e.getError().getStackTrace()).startsWith("main.(*Handler).createOrder");
        assertThat(e.getError().getFingerprint()).hasSize(32);
        assertThat(e.getEcs()).containsEntry("log.origin.file.name", "orders/handler.go").containsEntry("log.origin.file.line", 42L);
        assertThat(e.getSource().getFormat()).isEqualTo("zap");
    }

    @Test
    void shouldReadZapsIsoTimeAndDpanic() {
        LogEvent e = log("{\"level\":\"dpanic\",\"ts\":\"2025-03-14T10:26:53.589+0100\",\"msg\":\"m\"}");

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void shouldReadLogrus() {
        LogEvent e = log(LoggerSamples.LOGRUS);

        assertThat(e.getTimestamp()).isEqualTo(Instant.parse("2025-03-14T09:26:53Z"));
        assertThat(e.getLevel()).isEqualTo(LogLevel.WARN);
        assertThat(e.getMessage()).isEqualTo("retrying payment");
        assertThat(e.getError().getMessage()).isEqualTo("context deadline exceeded");
        assertThat(e.getEcs()).containsEntry("log.origin.function", "main.retry")
                .containsEntry("log.origin.file.name", "/app/payments/retry.go").containsEntry("log.origin.file.line", 57L);
        assertThat(e.getLabels()).containsOnlyKeys("attempt");
        assertThat(e.getSource().getFormat()).isEqualTo("logrus");
    }

    @Test
    void shouldReadSerilogCompactJsonRenderingItsTemplate() {
        LogEvent e = log(LoggerSamples.SERILOG);

        assertThat(e.getTimestamp()).isEqualTo(T);
        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getMessage()).isEqualTo("Payment \"pay_8f3a\" for order 1042 failed");
        assertThat(e.getLogger()).isEqualTo("Shop.Payments.PaymentService");
        assertThat(e.getHost()).isEqualTo("pay-1");
        assertThat(e.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(e.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(e.getError().getType()).isEqualTo("System.InvalidOperationException");
        assertThat(e.getError().getMessage()).isEqualTo("Sequence contains no elements");
        assertThat(e.getEcs()).containsEntry("process.pid", 812L).containsEntry("process.thread.id", 17L);
        assertThat(e.getLabels()).containsOnlyKeys("@mt", "PaymentId", "OrderId");
        assertThat(e.getSource().getFormat()).isEqualTo("serilog");
    }

    @Test
    void shouldTakeSerilogsMissingLevelForInformation() {
        LogEvent e = log(LoggerSamples.SERILOG_INFORMATION);

        assertThat(e.getLevel()).isEqualTo(LogLevel.INFO);
        assertThat(e.getMessage()).isEqualTo("Order 1042 placed by alice");
    }

    @Test
    void shouldGiveEachLanguagesErrorTheSameFingerprintAcrossDeploysAndADifferentOneEach() {
        List<String[]> pairs = List.of(
                new String[] {LoggerSamples.PYTHON_JSON_LOGGER, LoggerSamples.PYTHON_JSON_LOGGER_AGAIN},
                new String[] {LoggerSamples.PINO, LoggerSamples.PINO_AGAIN},
                new String[] {LoggerSamples.ZAP, LoggerSamples.ZAP_AGAIN},
                new String[] {LoggerSamples.GO_PANIC, LoggerSamples.GO_PANIC_AGAIN},
                new String[] {LoggerSamples.SERILOG, LoggerSamples.SERILOG_AGAIN});
        List<String> fingerprints = new java.util.ArrayList<>();
        for (String[] pair : pairs) {
            String first = log(pair[0]).getError().getFingerprint();
            String again = log(pair[1]).getError().getFingerprint();
            assertThat(again).as("fingerprint of %s", pair[1]).isEqualTo(first);
            fingerprints.add(first);
        }
        assertThat(fingerprints).doesNotHaveDuplicates();
    }

    @Test
    void shouldReadTheAgentsSshdEventIntoEcsPlacesWithItsCount() {
        LogEvent e = log("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","message":"Failed password for invalid user admin from 203.0.113.9 port 40022 ssh2",\
                "event.kind":"event","event.dataset":"system.auth","event.module":"system","process.name":"sshd",\
                "log.syslog.hostname":"bastion-1","log.syslog.appname":"sshd","log.syslog.procid":"4242","weir.format":"sshd",\
                "process.pid":4242,"weir.count":5,"event.category":"authentication","event.action":"ssh_login",\
                "event.outcome":"failure","user.name":"admin","source.ip":"203.0.113.9","source.port":40022,"ssh.method":"password",\
                "log.level":"info","tags":["invalid_user"],"event.id":"f-1-100","service.name":"bastion","host.name":"bastion-1",\
                "log.file.path":"/var/log/auth.log","log.offset":100}""");

        assertThat(e.getLevel()).isEqualTo(LogLevel.INFO);
        assertThat(e.getCount()).isEqualTo(5);
        assertThat(e.getEvent().getOutcome()).isEqualTo("failure");
        assertThat(e.getEcs()).containsEntry("process.pid", 4242L).containsEntry("process.name", "sshd")
                .containsEntry("log.syslog.hostname", "bastion-1").containsEntry("log.syslog.procid", "4242")
                .containsEntry("event.dataset", "system.auth").containsEntry("event.module", "system")
                .containsEntry("event.kind", "event");
        assertThat(e.getLabels()).containsOnlyKeys("ssh.method");
        assertThat(e.getSource().getFormat()).isEqualTo("sshd");
    }

    @Test
    void shouldTakeTheLevelOfASyslogEventWithoutOneFromItsSeverity() {
        LogEvent e = log("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","message":"m","log.syslog.severity.code":3,"log.syslog.severity.name":"Error"}""");

        assertThat(e.getLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(e.getEcs()).containsEntry("log.syslog.severity.code", 3L);
    }

    @Test
    void shouldReadTheAgentsUvicornLineAsARequest() {
        d.request("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","event.original":"INFO:     203.0.113.7:52114 - \\"GET /orders/1042?page=2 HTTP/1.1\\" 200 OK",\
                "event.kind":"event","event.category":"web","event.dataset":"uvicorn.access","weir.format":"uvicorn","log.level":"info",\
                "source.ip":"203.0.113.7","source.port":52114,"http.request.method":"GET","url.original":"/orders/1042?page=2",\
                "url.path":"/orders/1042","url.query":"page=2","http.version":"1.1","http.response.status_code":200,\
                "event.id":"f-1-0","service.name":"orders-api","host.name":"api-1"}""");
        RequestEvent r = d.onlyRequest();

        assertThat(r.getRoute()).isEqualTo("/orders/{id}");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getClientIp()).isEqualTo("203.0.113.7");
        assertThat(r.getEcs()).containsEntry("source.port", 52114L).containsEntry("url.query", "page=2")
                .containsEntry("http.version", "1.1").containsEntry("event.dataset", "uvicorn.access")
                .containsKey("event.original").containsEntry("url.original", "/orders/1042?page=2");
        assertThat(r.getLabels()).isEmpty();
    }

    @Test
    void shouldDeadLetterAnEcsFieldOfTheWrongType() {
        d.log("""
                {"@timestamp":"2025-03-14T09:26:53.589Z","message":"m","process.pid":"not-a-pid"}""");
        var dl = dev.weir.schemas.DeadLetterHeaders.read(d.onlyDeadLetter().headers());

        assertThat(dl.reason()).isEqualTo(dev.weir.schemas.DeadLetterReason.WRONG_TYPE.code());
        assertThat(dl.field()).isEqualTo("process.pid");
        assertThat(dl.detail()).contains("ECS types it long");
    }
}

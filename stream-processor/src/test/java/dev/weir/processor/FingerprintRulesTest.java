package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.samples.LoggerSamples;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.LogEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new-fingerprint and escalating-fingerprint rules on the errors of each language's logger, as the processor
 * runs them: raw JSON through the production normaliser into the rules. The same error from two deploys (other
 * lines, paths, processes) is one fingerprint: one new-error alert, and its occurrences add up to escalate.
 */
class FingerprintRulesTest {
    static final Instant NOW = Instant.parse("2025-03-14T10:00:00Z");
    static final String RULES = """
            rules:
              - alert: NewErrorType
                signal: new_fingerprint
                group_by: [service, fingerprint]
                lookback: 7d
                window: 1h
                severity: warning
              - alert: EscalatingError
                signal: escalating_fingerprint
                group_by: [service, fingerprint]
                window: 5m
                baseline: 1h
                threshold: 3
                min_events: 1
                severity: warning
            """;

    @TempDir
    Path stateDir;
    ProcessorDriver processor;
    TestOutputTopic<String, LogEvent> logs;
    TestOutputTopic<String, AlertEvent> alerts;

    @BeforeEach
    void start() {
        processor = ProcessorDriver.start(ProcessorDriver.with(ProcessorDriver.settings(),
                RulesSettings.of(RuleSet.parse(Map.of("errors.yml", RULES)))), NOW, stateDir);
        logs = processor.logs;
        alerts = processor.alerts;
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    private String send(String service, String json) {
        processor.log(service, json);
        List<LogEvent> out = logs.readValuesToList();
        assertThat(out).as("normalised %s", json).hasSize(1);
        return out.get(0).getError().getFingerprint();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"python", "pino", "zap", "go-panic", "serilog"})
    void shouldRaiseOneNewErrorAlertPerErrorAndEscalateItsRepeats(String language) {
        String[] samples = switch (language) {
            case "python" -> new String[] {LoggerSamples.PYTHON_JSON_LOGGER, LoggerSamples.PYTHON_JSON_LOGGER_AGAIN};
            case "pino" -> new String[] {LoggerSamples.PINO, LoggerSamples.PINO_AGAIN};
            case "zap" -> new String[] {LoggerSamples.ZAP, LoggerSamples.ZAP_AGAIN};
            case "go-panic" -> new String[] {LoggerSamples.GO_PANIC, LoggerSamples.GO_PANIC_AGAIN};
            default -> new String[] {LoggerSamples.SERILOG, LoggerSamples.SERILOG_AGAIN};
        };
        String service = language.equals("python") ? "orders" : language;

        String fingerprint = send(service, samples[0]);
        List<AlertEvent> first = alerts.readValuesToList();
        assertThat(first).singleElement().satisfies(a -> {
            assertThat(a.getRule()).isEqualTo("NewErrorType");
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getLabels()).containsEntry("fingerprint", fingerprint).containsEntry("service", service);
        });

        assertThat(send(service, samples[1])).as("the same error from another deploy").isEqualTo(fingerprint);
        send(service, samples[1]);
        assertThat(alerts.readValuesToList()).as("neither new again nor more than 3 in 5 minutes yet").isEmpty();

        send(service, samples[1]);
        assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.getRule()).isEqualTo("EscalatingError");
            assertThat(a.getLabels()).containsEntry("fingerprint", fingerprint);
            assertThat(a.getValue()).isEqualTo(4.0);
        });
    }
}

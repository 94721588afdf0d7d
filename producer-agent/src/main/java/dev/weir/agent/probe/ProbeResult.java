package dev.weir.agent.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * What one run of a probe found, and the JSON log event it becomes on {@code weir.raw.logs}: ECS
 * fields ({@code event.category: probe}, {@code event.outcome: success|failure}, {@code event.duration},
 * {@code http.*}, {@code url.path}) and {@code labels.probe} (the probe's name), {@code labels.probe_reason},
 * {@code labels.probe_target}; the processor's probe signal and measures read these.
 *
 * @param probe      the probe
 * @param slot       the start of the interval slot this run belongs to (its event id is derived from it)
 * @param startedAt  when the run started
 * @param up         whether every expectation held
 * @param status     http: the status answered, or 0 when none
 * @param durationMs how long it took, in milliseconds (to the timeout when it timed out)
 * @param reason     why it is down, or the warning when up (certificate expiry), or null
 * @param certNotAfter https: when the server's certificate expires, or null
 */
public record ProbeResult(ProbeDefinition probe, Instant slot, Instant startedAt, boolean up, int status, double durationMs,
                          String reason, Instant certNotAfter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ProbeResult {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** @return the event id: the probe and its slot, so a run repeated in the same slot has the same id */
    public String eventId() {
        return "probe-" + probe.name() + "-" + slot.toEpochMilli();
    }

    /**
     * @param environment {@code service.environment}, or null
     * @param hostName    the agent's host, {@code host.name}
     * @return the JSON event, UTF-8
     */
    public byte[] toJson(String environment, String hostName) {
        ObjectNode e = JSON.createObjectNode();
        e.put("@timestamp", startedAt.toString());
        e.put("event.id", eventId());
        e.put("service.name", probe.service());
        if (environment != null) {
            e.put("service.environment", environment);
        }
        e.put("host.name", hostName);
        boolean warning = up && reason != null;
        e.put("log.level", up && !warning ? "info" : "warn");
        e.put("message", message());
        e.put("event.category", "probe");
        e.put("event.action", probe.type().name().toLowerCase(java.util.Locale.ROOT));
        e.put("event.outcome", up ? "success" : "failure");
        e.put("event.duration", Math.round(durationMs * 1_000_000));
        if (probe.type() == ProbeDefinition.Type.HTTP) {
            e.put("http.request.method", probe.method());
            String path = probe.url().getRawPath();
            e.put("url.path", path == null || path.isEmpty() ? "/" : path);
            if (status > 0) {
                e.put("http.response.status_code", status);
            }
        }
        if (certNotAfter != null) {
            e.put("tls.server.not_after", certNotAfter.toString());
        }
        ObjectNode labels = e.putObject("labels");
        labels.put("probe", probe.name());
        labels.put("probe_target", probe.target());
        if (reason != null) {
            labels.put(up ? "probe_warning" : "probe_reason", reason);
        }
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return one sentence for people: what was asked, what came back */
    public String message() {
        String what = probe.type() == ProbeDefinition.Type.HTTP ? probe.method() + " " + probe.target() : "connect " + probe.target();
        String took = String.format(java.util.Locale.ROOT, "%.0f ms", durationMs);
        if (up) {
            return "Probe " + probe.name() + " up: " + what + (status > 0 ? " answered " + status : " succeeded") + " in " + took
                    + (reason == null ? "" : "; " + reason);
        }
        return "Probe " + probe.name() + " down: " + what + ": " + reason + " (" + took + ")";
    }
}

package dev.weir.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * Generates realistic raw events for a few services, in the shapes of DESIGN.md's input
 * contract: ECS request events, logstash-logback-encoder log lines and ECS authentication
 * events. The traffic cycles through {@link Phase}s so that the demo fires an error-rate
 * alert, a latency alert and a brute-force alert.
 *
 * <p>Pure: it only builds events; {@link DemoRunner} sends them. Not thread-safe.
 */
public final class DemoTraffic {
    /** One raw event: the topic it belongs on, its key (the service) and its JSON bytes. */
    public record RawEvent(String topic, String key, byte[] json) {
        public String text() {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    static final List<String> SERVICES = List.of("checkout", "payments", "catalog", "auth");
    private static final String[][] ROUTES = {
        {"GET", "/api/v1/products/%d"},
        {"GET", "/api/v1/products"},
        {"POST", "/api/v1/orders"},
        {"GET", "/api/v1/orders/%d"},
        {"POST", "/api/v1/payments/%s"},
        {"GET", "/api/v1/users/%d/cart"},
    };
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};

    private final String logsTopic;
    private final String requestsTopic;
    private final Clock clock;
    private final Random random;
    private final long cycleSeconds;
    private final Instant start;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param logsTopic where log events go (normally {@code weir.raw.logs})
     * @param requestsTopic where request events go (normally {@code weir.raw.requests})
     * @param clock the time stamped on events and used to pick the phase
     * @param random seeded for reproducible traffic
     * @param cycle how long one steady → spike → regression → brute-force cycle lasts
     */
    public DemoTraffic(String logsTopic, String requestsTopic, Clock clock, Random random, Duration cycle) {
        this.logsTopic = Objects.requireNonNull(logsTopic, "logsTopic");
        this.requestsTopic = Objects.requireNonNull(requestsTopic, "requestsTopic");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.cycleSeconds = cycle.toSeconds();
        if (cycleSeconds < 4) {
            throw new IllegalArgumentException("Invalid value " + cycle + " for demo cycle: must be at least 4s");
        }
        this.start = clock.instant();
    }

    /** The phase in force now. */
    public Phase phase() {
        return Phase.at(Duration.between(start, clock.instant()).toSeconds(), cycleSeconds);
    }

    /**
     * The events of one tick: one request event per service, a log line for some of them,
     * and the current incident's extra events.
     *
     * @return the events, in the order to send them
     */
    public List<RawEvent> tick() {
        Instant now = clock.instant();
        Phase phase = phase();
        List<RawEvent> out = new ArrayList<>();
        for (String service : SERVICES) {
            out.add(request(service, now, phase));
            if (random.nextInt(4) == 0) {
                out.add(appLog(service, now, "INFO", "Handled request in " + (5 + random.nextInt(200)) + " ms", null));
            }
        }
        if (phase == Phase.ERROR_SPIKE && random.nextInt(3) == 0) {
            out.add(appLog("payments", now, "ERROR", "Payment provider call failed for order "
                    + random.nextInt(1_000_000), "java.net.SocketTimeoutException: Read timed out\n"
                    + "\tat dev.shop.payments.ProviderClient.charge(ProviderClient.java:88)\n"
                    + "\tat dev.shop.payments.PaymentService.pay(PaymentService.java:41)"));
        }
        if (random.nextInt(5) == 0) {
            out.add(login(now, USERS[random.nextInt(USERS.length)], randomIp(), random.nextInt(12) != 0));
        }
        if (phase == Phase.BRUTE_FORCE) {
            out.add(login(now, USERS[random.nextInt(USERS.length)], "203.0.113.66", false));
        }
        return out;
    }

    private RawEvent request(String service, Instant now, Phase phase) {
        String[] route = ROUTES[random.nextInt(ROUTES.length)];
        String path = route[1].contains("%s")
                ? String.format(route[1], new UUID(random.nextLong(), random.nextLong()))
                : String.format(route[1], random.nextInt(10_000));
        double millis = lognormalMillis(phase == Phase.LATENCY_REGRESSION && service.equals("catalog") ? 1800 : 60);
        int status = 200;
        double errorChance = phase == Phase.ERROR_SPIKE && service.equals("payments") ? 0.25 : 0.005;
        if (random.nextDouble() < errorChance) {
            status = random.nextInt(4) == 0 ? 503 : 500;
        } else if (random.nextDouble() < 0.02) {
            status = 404;
        }
        ObjectNode e = json.createObjectNode();
        e.put("@timestamp", now.toString());
        e.put("service.name", service);
        e.put("service.environment", "demo");
        e.put("host.name", service + "-1");
        e.put("http.request.method", route[0]);
        e.put("url.path", path);
        e.put("http.response.status_code", status);
        e.put("event.duration", (long) (millis * 1_000_000L));
        e.put("source.ip", randomIp());
        e.put("trace.id", traceId());
        return new RawEvent(requestsTopic, service, bytes(e));
    }

    private RawEvent appLog(String service, Instant now, String level, String message, String stackTrace) {
        // logstash-logback-encoder's default output, with the service as an MDC key.
        ObjectNode e = json.createObjectNode();
        e.put("@timestamp", now.toString());
        e.put("@version", "1");
        e.put("message", message);
        e.put("logger_name", "dev.shop." + service + ".RequestHandler");
        e.put("thread_name", "http-nio-8080-exec-" + (1 + random.nextInt(8)));
        e.put("level", level);
        e.put("level_value", level.equals("ERROR") ? 40000 : 20000);
        if (stackTrace != null) {
            e.put("stack_trace", stackTrace);
        }
        e.put("service", service);
        e.put("trace_id", traceId());
        return new RawEvent(logsTopic, service, bytes(e));
    }

    private RawEvent login(Instant now, String user, String ip, boolean success) {
        ObjectNode e = json.createObjectNode();
        e.put("@timestamp", now.toString());
        e.put("service.name", "auth");
        e.put("service.environment", "demo");
        e.put("log.level", success ? "info" : "warn");
        e.put("message", (success ? "Login succeeded for " : "Login failed for ") + user);
        e.put("event.category", "authentication");
        e.put("event.action", "user_login");
        e.put("event.outcome", success ? "success" : "failure");
        e.put("user.name", user);
        e.put("source.ip", ip);
        return new RawEvent(logsTopic, "auth", bytes(e));
    }

    private double lognormalMillis(double medianMillis) {
        return medianMillis * Math.exp(0.6 * random.nextGaussian());
    }

    private String randomIp() {
        return "198.51.100." + (1 + random.nextInt(200));
    }

    private String traceId() {
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a demo event; this is a bug", e);
        }
    }
}

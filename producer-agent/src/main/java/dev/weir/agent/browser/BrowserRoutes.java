package dev.weir.agent.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.http.Handoff;
import dev.weir.agent.parse.JsonLineParser;
import dev.weir.agent.parse.LineOrigin;
import dev.weir.agent.parse.ParsedEvent;
import dev.weir.agent.ship.InputMeters;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * The browser beacon endpoint and its snippet:
 * <ul>
 * <li>{@code GET /v1/browser/weir.js}: the snippet pages include ({@code <script src=".../v1/browser/weir.js" defer>});
 *     it reports Web Vitals (LCP, INP, CLS, TTFB, FCP) and JavaScript errors with {@code navigator.sendBeacon}
 *     (or {@code fetch} with {@code keepalive});</li>
 * <li>{@code POST /v1/browser}: a beacon, JSON ({@code text/plain} or {@code application/json}):
 *     {@code {"page":"/cart","service":"shop-web","vitals":[{"name":"LCP","value":1234.5}],
 *     "errors":[{"message":"TypeError: x is undefined","stack":"..."}]}}; answered 202 with the counts of accepted and
 *     rejected entries (each rejection naming its field), once the broker acknowledged;</li>
 * <li>{@code OPTIONS /v1/browser}: the CORS preflight.</li>
 * </ul>
 * Only pages of {@code agent.http.browser.origins} are answered (with {@code Access-Control-Allow-Origin}); a request
 * from another origin, or without one, gets 403 and the reason. Beacons above {@code max-body} get 413, beyond
 * {@code per-minute} from one client address 429 with {@code Retry-After}. A vital becomes a log event
 * {@code event.category: web}, {@code event.action: web-vital}, {@code url.path} the page, {@code labels.vital} and
 * {@code labels.value} (milliseconds; CLS unitless), which the processor's built-in {@code web_vitals} metric measures
 * as quantiles per page; an error becomes an ERROR log event ({@code event.action: javascript-error}) with
 * {@code error.type}, {@code error.message} and {@code error.stack_trace}, fingerprinted like every error. Thread-safe.
 */
public final class BrowserRoutes {
    /** The vitals a beacon may carry. */
    static final Set<String> VITALS = Set.of("LCP", "INP", "CLS", "TTFB", "FCP");
    /** Entries one beacon may carry of each kind. */
    static final int MAX_ENTRIES = 20;
    /** The longest page path taken. */
    static final int MAX_PAGE = 2048;
    /** A vital above this is no measurement (ten minutes in ms). */
    static final double MAX_VITAL = 600_000;
    static final String PATH = "/v1/browser";
    static final String SNIPPET = "/v1/browser/weir.js";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ERROR_TYPE = Pattern.compile("^(?:Uncaught )?([A-Z][A-Za-z0-9_$]*(?:Error|Exception)):\\s*(.*)",
            Pattern.DOTALL);

    private final BrowserSettings settings;
    private final Set<String> origins;
    private final JsonLineParser parser;
    private final Handoff handoff;
    private final ClientRate rate;
    private final Clock clock;
    private final String defaultService;
    private final InputMeters meters;
    private final MeterRegistry registry;
    private final byte[] snippet;

    /**
     * @param settings       origins and limits
     * @param parser         enriches the events (host, environment)
     * @param handoff        ships them and waits for the broker
     * @param clock          the time of the events and of the rate limit
     * @param defaultService the service of beacons that name none when {@code settings} names none either
     * @param registry       where input {@code browser}'s counters and {@code weir_agent_browser_refused_total} go
     */
    public BrowserRoutes(BrowserSettings settings, JsonLineParser parser, Handoff handoff, Clock clock, String defaultService,
                         MeterRegistry registry) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.origins = Set.copyOf(settings.origins());
        this.parser = Objects.requireNonNull(parser, "parser");
        this.handoff = Objects.requireNonNull(handoff, "handoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rate = new ClientRate(settings.perMinute(), clock);
        this.defaultService = settings.service() != null ? settings.service() : Objects.requireNonNull(defaultService, "defaultService");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.meters = InputMeters.of(registry, "browser");
        try (InputStream in = BrowserRoutes.class.getResourceAsStream("weir.js")) {
            this.snippet = Objects.requireNonNull(in, "weir.js is packaged beside BrowserRoutes").readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the paths that answer without the bearer token (browsers cannot send one) */
    public static Set<String> publicPaths() {
        return Set.of(PATH, SNIPPET);
    }

    /** Adds the routes to {@code app} (not started yet). */
    public void install(Javalin app) {
        app.get(SNIPPET, ctx -> ctx.contentType("text/javascript; charset=utf-8").header("Cache-Control", "public, max-age=300")
                .result(snippet));
        app.options(PATH, this::preflight);
        app.post(PATH, this::beacon);
    }

    private void refuse(Context ctx, String reason, String message) {
        Counter.builder("weir.agent.browser.refused").tag("reason", reason)
                .description("Browser beacons refused: origin, too_large, rate, malformed").register(registry).increment();
        ctx.json(Map.of("error", message));
    }

    /** @return the request's origin when it may send beacons; otherwise answers 403 and returns null */
    private String allowedOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        ctx.header("Vary", "Origin");
        if (origin == null || origin.isBlank()) {
            ctx.status(HttpStatus.FORBIDDEN);
            refuse(ctx, "origin", "no Origin header: beacons are accepted from the pages of agent.http.browser.origins only");
            return null;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (!origins.contains(normalized)) {
            ctx.status(HttpStatus.FORBIDDEN);
            refuse(ctx, "origin", "origin " + origin + " is not in agent.http.browser.origins" + (origins.isEmpty()
                    ? " (which is empty: beacons are off)" : "") + "; add it there to accept beacons from its pages");
            return null;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        return origin;
    }

    private void preflight(Context ctx) {
        if (allowedOrigin(ctx) == null) {
            return;
        }
        ctx.header("Access-Control-Allow-Methods", "POST")
                .header("Access-Control-Allow-Headers", "Content-Type")
                .header("Access-Control-Max-Age", "600")
                .status(HttpStatus.NO_CONTENT);
    }

    private void beacon(Context ctx) throws InterruptedException {
        if (allowedOrigin(ctx) == null) {
            return;
        }
        Duration wait = rate.take(ctx.ip());
        if (!wait.isZero()) {
            ctx.header("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))).status(HttpStatus.TOO_MANY_REQUESTS);
            refuse(ctx, "rate", "more than " + settings.perMinute() + " beacons a minute from " + ctx.ip()
                    + " (agent.http.browser.per-minute); retry after the Retry-After seconds");
            return;
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("text/plain") && !type.equals("application/json")) {
            ctx.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
            refuse(ctx, "malformed", "Content-Type " + ctx.contentType() + " is not a beacon; send JSON as text/plain or application/json");
            return;
        }
        byte[] body;
        try {
            body = Handoff.readBody(ctx, settings.maxBodyBytes());
        } catch (ZipException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            refuse(ctx, "malformed", "body is not valid gzip: " + e.getMessage());
            return;
        } catch (IOException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            refuse(ctx, "malformed", "cannot read body: " + e.getMessage());
            return;
        }
        if (body == null) {
            ctx.status(HttpStatus.CONTENT_TOO_LARGE);
            refuse(ctx, "too_large", "beacon larger than " + settings.maxBodyBytes() + " bytes (agent.http.browser.max-body)");
            return;
        }
        JsonNode beacon;
        try {
            beacon = JSON.readTree(body);
        } catch (IOException e) {
            beacon = null;
        }
        if (beacon == null || !beacon.isObject()) {
            ctx.status(HttpStatus.BAD_REQUEST);
            refuse(ctx, "malformed", "body is not a JSON object such as {\"page\":\"/\",\"vitals\":[...],\"errors\":[...]}");
            return;
        }
        List<String> errors = new ArrayList<>();
        List<Handoff.Numbered> events = events(beacon, ctx, body, errors);
        meters.read().increment(events.size());
        meters.rejectedMalformed().increment(errors.size());
        if (events.isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST).json(result(0, errors.isEmpty() ? List.of("beacon holds no vitals and no errors") : errors));
            return;
        }
        Handoff.Outcome outcome = handoff.ship(events, meters);
        if (outcome.result() != Handoff.Result.ACKNOWLEDGED) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", outcome.result() == Handoff.Result.BUFFER_FULL
                    ? "buffer full; the broker is slow or away" : "the broker did not acknowledge in time"));
            return;
        }
        outcome.failures().forEach(f -> errors.add("entry " + f.line() + ": rejected by Kafka: " + f.cause()));
        ctx.status(HttpStatus.ACCEPTED).json(result(events.size() - outcome.failures().size(), errors));
    }

    private static Map<String, Object> result(int accepted, List<String> errors) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", accepted);
        out.put("rejected", errors.size());
        out.put("errors", errors);
        return out;
    }

    /** @return the events of a beacon; what cannot become one is named in {@code errors} */
    private List<Handoff.Numbered> events(JsonNode beacon, Context ctx, byte[] body, List<String> errors) {
        List<Handoff.Numbered> events = new ArrayList<>();
        JsonNode pageNode = beacon.get("page");
        String page = pageNode != null && pageNode.isTextual() ? pageNode.textValue() : null;
        if (page == null || !page.startsWith("/") || page.length() > MAX_PAGE) {
            errors.add("page: must be the page's path (location.pathname), starting with / and at most " + MAX_PAGE + " characters");
            return events;
        }
        JsonNode serviceNode = beacon.get("service");
        String service = defaultService;
        if (serviceNode != null && !serviceNode.isNull()) {
            if (!serviceNode.isTextual() || !BrowserSettings.SERVICE.matcher(serviceNode.textValue()).matches()) {
                errors.add("service: must be 1 to 64 letters, digits, '.', '_' or '-'");
                return events;
            }
            service = serviceNode.textValue();
        }
        String userAgent = ctx.userAgent();
        String now = clock.instant().toString();
        String idPrefix = Handoff.bodyId("b-", (ctx.ip() + "\n" + now + "\n" + new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        int n = 0;
        for (JsonNode v : entries(beacon, "vitals", errors)) {
            n++;
            String field = "vitals[" + (n - 1) + "]";
            String name = v.path("name").isTextual() ? v.path("name").textValue().toUpperCase(Locale.ROOT) : null;
            JsonNode value = v.get("value");
            if (name == null || !VITALS.contains(name)) {
                errors.add(field + ".name: must be one of LCP, INP, CLS, TTFB, FCP");
            } else if (value == null || !value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() < 0
                    || value.doubleValue() > MAX_VITAL) {
                errors.add(field + ".value: must be a number from 0 to " + (long) MAX_VITAL);
            } else {
                Map<String, Object> e = base(now, idPrefix + n, service, page, userAgent, "web-vital");
                e.put("log.level", "INFO");
                e.put("message", "Web Vital " + name + " " + value.doubleValue() + " on " + page);
                e.put("labels.vital", name);
                e.put("labels.value", value.doubleValue());
                add(e, n, field, events, errors);
            }
        }
        int errorIndex = 0;
        for (JsonNode err : entries(beacon, "errors", errors)) {
            n++;
            String field = "errors[" + errorIndex++ + "]";
            String message = err.path("message").isTextual() ? err.path("message").textValue() : null;
            String stack = err.path("stack").isTextual() ? err.path("stack").textValue() : null;
            if (message == null || message.isBlank()) {
                errors.add(field + ".message: is required, the error's message");
                continue;
            }
            Map<String, Object> e = base(now, idPrefix + n, service, page, userAgent, "javascript-error");
            e.put("log.level", "ERROR");
            e.put("message", message);
            Matcher m = ERROR_TYPE.matcher(message);
            boolean typed = m.matches();
            e.put("error.type", typed ? m.group(1) : "Error");
            e.put("error.message", typed ? m.group(2) : message);
            if (stack != null && !stack.isBlank()) {
                e.put("error.stack_trace", stack);
            }
            add(e, n, field, events, errors);
        }
        return events;
    }

    private static List<JsonNode> entries(JsonNode beacon, String key, List<String> errors) {
        JsonNode list = beacon.get(key);
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            errors.add(key + ": must be a list");
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : list) {
            if (out.size() == MAX_ENTRIES) {
                errors.add(key + ": " + (list.size() - MAX_ENTRIES) + " entries beyond the " + MAX_ENTRIES + " a beacon may carry");
                break;
            }
            if (!n.isObject()) {
                errors.add(key + "[" + out.size() + "]: must be an object");
                continue;
            }
            out.add(n);
        }
        return out;
    }

    private static Map<String, Object> base(String now, String id, String service, String page, String userAgent, String action) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("@timestamp", now);
        e.put("event.id", id);
        e.put("service.name", service);
        e.put("event.category", "web");
        e.put("event.action", action);
        e.put("url.path", page);
        if (userAgent != null) {
            e.put("user_agent.original", userAgent);
        }
        return e;
    }

    private void add(Map<String, Object> fields, int n, String field, List<Handoff.Numbered> events, List<String> errors) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
        JsonLineParser.Attempt a = parser.attempt(json, 0, json.length, LineOrigin.of(fields.get("event.id").toString()));
        ParsedEvent event = a.event();
        if (event == null) {
            throw new IllegalStateException("the agent wrote an event it cannot read back: " + a.error());
        }
        if (!handoff.destinations().fits(event)) {
            errors.add(field + ": " + handoff.destinations().tooLarge(event));
            return;
        }
        events.add(new Handoff.Numbered(event, n));
    }
}

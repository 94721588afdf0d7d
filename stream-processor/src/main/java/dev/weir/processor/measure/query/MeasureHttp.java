package dev.weir.processor.measure.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.measure.metrics.MeasureMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import dev.weir.common.ops.HttpServerSettings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API over the measuring stage's stores, answered by any instance:
 * <ul>
 *   <li>{@code GET /api/v1/services} — {@code {"services": [...], "unreachable": [...]}}: the union
 *       of every instance's services (asks the others with {@code ?scope=local});</li>
 *   <li>{@code GET /api/v1/services/{service}} — {@link ServiceStats}, answered by the instance
 *       whose task owns the service (found with {@code queryMetadataForKey}; forwarded when it is
 *       another); 404 when nobody has data of it in the last hour;</li>
 *   <li>{@code GET /api/v1/services/{service}/series} — {@link ServiceSeries}: per-window counts and
 *       quantiles of the last hour and its latency distribution, answered by the owner like the above;</li>
 *   <li>{@code GET /api/v1/overview} — {@code {"asOf", "services": [ServiceOverview...], "unreachable": [...]}}:
 *       every service's views and per-window sparkline series in one answer, merged from every
 *       instance (each answers for the services it owns);</li>
 *   <li>{@code GET /api/v1/security/logins?window=1h&limit=10} — {@link LoginSummary} merged from
 *       every instance;</li>
 *   <li>{@code GET /api/v1/security/detections?window=1h} — {@code {"window", "asOf", "from", "to", "detections":
 *       [LoginDetection...]}}: login windows in which a detector's threshold was reached, merged from every instance.</li>
 * </ul>
 * Both security endpoints look at the login windows by their event time: {@code window} (5m, 15m, 1h, the default)
 * ending now, {@code window=all} (every retained window, whenever its events happened: an old file replayed), or
 * {@code from} and {@code to} (ISO-8601 instants or epoch milliseconds; {@code to} defaults to now, and alone it ends a
 * {@code window}) for any span of retained data.
 * <ul>
 * </ul>
 * 503 with a {@code Retry-After} while stores are migrating. Also refreshes the store-backed
 * gauges of {@link MeasureMetrics} before each {@code /metrics} scrape.
 */
public final class MeasureHttp {
    private static final Logger log = LoggerFactory.getLogger(MeasureHttp.class);
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who owns what: the topology's metadata, or a fixed answer in tests. */
    public interface Owners {
        /** @return the instance owning {@code service}, or {@code null} when unknown right now (rebalancing) */
        HostInfo ownerOf(String service);

        /** @return every instance of the application, this one included */
        List<HostInfo> all();
    }

    private final MeasureQueries queries;
    private final Owners owners;
    private final HostInfo self;
    private final HttpClient http;
    private final HttpServerSettings peers;

    MeasureHttp(MeasureQueries queries, Owners owners, HostInfo self, HttpClient http, HttpServerSettings peers) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.self = self;
        this.http = Objects.requireNonNull(http, "http");
        this.peers = Objects.requireNonNull(peers, "peers");
    }

    /**
     * Registers the query routes and the gauge refresh on {@code app}.
     *
     * @param app      the processor's Javalin, not started yet
     * @param streams  the KafkaStreams running {@link MeasureTopology}; its {@code application.server}
     *                 must be {@code self} so that other instances can forward here
     * @param settings the measuring settings
     * @param metrics  the gauges to refresh before each {@code /metrics} scrape, or {@code null}
     * @param self     this instance's HTTP host and port as others reach it ({@code application.server})
     * @param clock    "now" of the rolling views
     * @param http     this instance's HTTP settings, which the other instances share: forwarded queries use its
     *                 scheme, token and certificate chain
     */
    public static void register(Javalin app, KafkaStreams streams, MeasureSettings settings, MeasureMetrics metrics,
                                HostInfo self, Clock clock, HttpServerSettings http) {
        MeasureQueries queries = new MeasureQueries(MeasureStores.of(streams), settings, clock);
        Owners owners = new Owners() {
            @Override
            public HostInfo ownerOf(String service) {
                KeyQueryMetadata m = streams.queryMetadataForKey(MeasureTopology.ERRORS_STORE, service, Serdes.String().serializer());
                return m == null || m == KeyQueryMetadata.NOT_AVAILABLE ? null : m.activeHost();
            }

            @Override
            public List<HostInfo> all() {
                return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct().toList();
            }
        };
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT);
        http.peerTlsContext().ifPresent(client::sslContext);
        new MeasureHttp(queries, owners, self, client.build(), http).routes(app, metrics);
    }

    /**
     * Registers the query routes for a single instance that owns everything (no forwarding).
     *
     * @param app     a Javalin, not started yet
     * @param queries this instance's queries
     * @param metrics the gauges to refresh before each {@code /metrics} scrape, or {@code null}
     */
    public static void registerSingle(Javalin app, MeasureQueries queries, MeasureMetrics metrics) {
        Owners none = new Owners() {
            @Override
            public HostInfo ownerOf(String service) {
                return null;
            }

            @Override
            public List<HostInfo> all() {
                return List.of();
            }
        };
        new MeasureHttp(queries, none, null, HttpClient.newHttpClient(), HttpServerSettings.of("0.0.0.0", 0)).routes(app, metrics);
    }

    void routes(Javalin app, MeasureMetrics metrics) {
        if (metrics != null) {
            app.before("/metrics", ctx -> {
                try {
                    metrics.refresh(queries);
                } catch (InvalidStateStoreException e) {
                    log.debug("Stores not queryable while refreshing gauges; keeping the last values", e);
                }
            });
        }
        app.get("/api/v1/services", this::services);
        app.get("/api/v1/services/{service}", this::service);
        app.get("/api/v1/services/{service}/series", this::series);
        app.get("/api/v1/overview", this::overview);
        app.get("/api/v1/security/logins", this::logins);
        app.get("/api/v1/security/detections", this::detections);
        app.exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503).header("Retry-After", "1")
                .json(Map.of("error", "The state stores are being moved between instances; try again in a second.")));
    }

    private boolean local(Context ctx) {
        return "local".equals(ctx.queryParam("scope"));
    }

    private void services(Context ctx) throws InterruptedException {
        if (local(ctx)) {
            ctx.json(Map.of("services", queries.services()));
            return;
        }
        TreeSet<String> services = new TreeSet<>(queries.services());
        List<String> unreachable = new ArrayList<>();
        for (HostInfo host : others()) {
            try {
                Map<String, List<String>> body = JSON.readValue(get(host, "/api/v1/services?scope=local"), new TypeReference<>() {
                });
                services.addAll(body.getOrDefault("services", List.of()));
            } catch (IOException e) {
                log.warn("Instance {}:{} did not answer /api/v1/services: {}", host.host(), host.port(), e.toString());
                unreachable.add(host.host() + ":" + host.port());
            }
        }
        ctx.json(Map.of("services", List.copyOf(services), "unreachable", unreachable));
    }

    private void service(Context ctx) throws InterruptedException {
        String service = ctx.pathParam("service");
        if (!forwarded(ctx, service, "")) {
            answer(ctx, service, queries.service(service));
        }
    }

    private void series(Context ctx) throws InterruptedException {
        String service = ctx.pathParam("service");
        if (!forwarded(ctx, service, "/series")) {
            answer(ctx, service, queries.series(service));
        }
    }

    private static void answer(Context ctx, String service, Object body) {
        if (body == null) {
            ctx.status(404).json(Map.of("error", "No data of service '" + service + "' in the last hour."));
        } else {
            ctx.json(body);
        }
    }

    /** Forwards to the instance owning {@code service} when that is another one; false when this one answers. */
    private boolean forwarded(Context ctx, String service, String suffix) throws InterruptedException {
        HostInfo owner = local(ctx) ? null : owners.ownerOf(service);
        if (owner == null || owner.equals(self)) {
            return false;
        }
        String path = "/api/v1/services/" + URLEncoder.encode(service, StandardCharsets.UTF_8).replace("+", "%20") + suffix + "?scope=local";
        try {
            HttpResponse<String> r = http.send(request(owner, path), HttpResponse.BodyHandlers.ofString());
            ctx.status(r.statusCode()).contentType("application/json").result(r.body());
        } catch (IOException e) {
            ctx.status(503).header("Retry-After", "1").json(Map.of("error", "The instance owning service '" + service + "' ("
                    + owner.host() + ":" + owner.port() + ") did not answer; try again shortly: " + e.getMessage()));
        }
        return true;
    }

    private void overview(Context ctx) throws InterruptedException {
        List<ServiceOverview> mine = new ArrayList<>();
        for (String service : queries.services()) {
            ServiceOverview o = queries.overview(service);
            if (o != null) {
                mine.add(o);
            }
        }
        String asOf = queries.asOf();
        if (local(ctx)) {
            ctx.json(new OverviewBody(asOf, mine, List.of()));
            return;
        }
        Map<String, ServiceOverview> all = new TreeMap<>();
        mine.forEach(o -> all.put(o.service(), o));
        List<String> unreachable = new ArrayList<>();
        for (HostInfo host : others()) {
            try {
                OverviewBody other = JSON.readValue(get(host, "/api/v1/overview?scope=local"), OverviewBody.class);
                other.services().forEach(o -> all.putIfAbsent(o.service(), o));
            } catch (IOException e) {
                log.warn("Instance {}:{} did not answer /api/v1/overview: {}", host.host(), host.port(), e.toString());
                unreachable.add(host.host() + ":" + host.port());
            }
        }
        ctx.json(new OverviewBody(asOf, List.copyOf(all.values()), unreachable));
    }

    /** Body of {@code GET /api/v1/overview}. */
    record OverviewBody(String asOf, List<ServiceOverview> services, List<String> unreachable) {
    }

    /**
     * @return the login windows the security endpoints look at ({@code window}, {@code all}, {@code from}/{@code to}),
     *         or null after answering 400
     */
    private MeasureQueries.Range loginRange(Context ctx) {
        String window = ctx.queryParamAsClass("window", String.class).getOrDefault("1h");
        Long from = instant(ctx, "from");
        Long to = instant(ctx, "to");
        if (ctx.res().getStatus() == 400) {
            return null;
        }
        if (from != null) {
            long end = to == null ? queries.nowMillis() : to;
            if (end < from) {
                ctx.status(400).json(Map.of("error", "Invalid value " + ctx.queryParam("to") + " for to: it is before from ("
                        + ctx.queryParam("from") + ")"));
                return null;
            }
            return queries.loginWindowsBetween(from, end);
        }
        if ("all".equals(window)) {
            if (to != null) {
                ctx.status(400).json(Map.of("error", "Invalid value all for window: it cannot end at to; give from and to instead"));
                return null;
            }
            return MeasureQueries.Range.ALL;
        }
        Duration view = MeasureQueries.VIEWS.get(window);
        if (view == null) {
            ctx.status(400).json(Map.of("error", "Invalid value " + window + " for window: use one of " + MeasureQueries.VIEWS.keySet()
                    + " or all, or give from and to"));
            return null;
        }
        return to == null ? queries.lastLoginWindows(view) : queries.loginWindows(to, view);
    }

    /** @return the instant of the parameter as epoch ms, or null when absent (or after answering 400) */
    private static Long instant(Context ctx, String param) {
        String text = ctx.queryParam(param);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.chars().allMatch(Character::isDigit) && text.length() <= 15 ? Long.parseLong(text)
                    : java.time.Instant.parse(text).toEpochMilli();
        } catch (java.time.DateTimeException e) {
            ctx.status(400).json(Map.of("error", "Invalid value " + text + " for " + param
                    + ": an ISO-8601 instant such as 2025-03-14T09:26:53Z, or epoch milliseconds"));
            return null;
        }
    }

    /** @return the name of the view a security endpoint answers for: its {@code window}, or {@code range} */
    private static String loginViewName(Context ctx) {
        return ctx.queryParam("from") != null ? "range" : ctx.queryParamAsClass("window", String.class).getOrDefault("1h");
    }

    /** @return the query string to ask other instances with for their local part of the answer */
    private static String localQuery(Context ctx) {
        String q = ctx.queryString();
        return "?scope=local" + (q == null || q.isEmpty() ? "" : "&" + q);
    }

    /** @return the view named by {@code ?window=} (default 1h), or null after answering 400 */
    private static Duration view(Context ctx) {
        String window = ctx.queryParamAsClass("window", String.class).getOrDefault("1h");
        Duration view = MeasureQueries.VIEWS.get(window);
        if (view == null) {
            ctx.status(400).json(Map.of("error", "Invalid value " + window + " for window: use one of " + MeasureQueries.VIEWS.keySet()));
        }
        return view;
    }

    private void detections(Context ctx) throws InterruptedException {
        MeasureQueries.Range range = loginRange(ctx);
        if (range == null) {
            return;
        }
        String window = loginViewName(ctx);
        List<LoginDetection> all = new ArrayList<>(queries.detections(range));
        if (!local(ctx)) {
            for (HostInfo host : others()) {
                try {
                    DetectionsBody other = JSON.readValue(get(host, "/api/v1/security/detections" + localQuery(ctx)),
                            DetectionsBody.class);
                    all.addAll(other.detections());
                } catch (IOException e) {
                    log.warn("Instance {}:{} did not answer /api/v1/security/detections: {}", host.host(), host.port(), e.toString());
                }
            }
            all.sort(Comparator.comparing(LoginDetection::windowStart).reversed().thenComparing(LoginDetection::kind)
                    .thenComparing(LoginDetection::key));
        }
        ctx.json(new DetectionsBody(window, queries.asOf(), range.fromText(), range.toText(), all));
    }

    /** Body of {@code GET /api/v1/security/detections}. */
    record DetectionsBody(String window, String asOf, String from, String to, List<LoginDetection> detections) {
    }

    private void logins(Context ctx) throws InterruptedException {
        MeasureQueries.Range range = loginRange(ctx);
        if (range == null) {
            return;
        }
        String window = loginViewName(ctx);
        int limit = ctx.queryParamAsClass("limit", Integer.class).check(l -> l > 0 && l <= 1000, "between 1 and 1000").getOrDefault(10);
        LoginSummary mine = queries.logins(window, range, limit);
        if (local(ctx)) {
            ctx.json(mine);
            return;
        }
        List<LoginSummary.Entry> sources = new ArrayList<>(mine.sources());
        List<LoginSummary.Entry> users = new ArrayList<>(mine.users());
        for (HostInfo host : others()) {
            try {
                LoginSummary other = JSON.readValue(get(host, "/api/v1/security/logins" + localQuery(ctx)), LoginSummary.class);
                sources.addAll(other.sources());
                users.addAll(other.users());
            } catch (IOException e) {
                log.warn("Instance {}:{} did not answer /api/v1/security/logins: {}", host.host(), host.port(), e.toString());
            }
        }
        ctx.json(new LoginSummary(window, mine.asOf(), mine.from(), mine.to(), top(sources, limit), top(users, limit)));
    }

    private static List<LoginSummary.Entry> top(List<LoginSummary.Entry> entries, int limit) {
        return entries.stream().sorted(Comparator.comparingLong(LoginSummary.Entry::failures).reversed()
                .thenComparing(LoginSummary.Entry::key)).limit(limit).toList();
    }

    private List<HostInfo> others() {
        return owners.all().stream().filter(h -> !h.equals(self) && h.port() > 0).toList();
    }

    private String get(HostInfo host, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(host, path), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + host.host() + ":" + host.port() + path);
        }
        return r.body();
    }

    private HttpRequest request(HostInfo host, String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create((peers.tls() ? "https://" : "http://") + host.host() + ":"
                + host.port() + path)).timeout(FORWARD_TIMEOUT).GET();
        if (peers.token() != null) {
            r.header("Authorization", "Bearer " + peers.token().reveal());
        }
        return r.build();
    }

}

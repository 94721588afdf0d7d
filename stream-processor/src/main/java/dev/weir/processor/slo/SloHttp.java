package dev.weir.processor.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.processor.rules.Rule;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RuleSetSource;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.rules.RulesTopology;
import dev.weir.processor.rules.Slo;
import dev.weir.schemas.AlertEvent;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import dev.weir.common.ops.HttpServerSettings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SLOs, probes and the public status over HTTP, answered by any instance (each asks the others
 * with {@code ?scope=local} and merges):
 * <ul>
 *   <li>{@code GET /api/v1/slos}: every declared SLO with good and total events over its window, error
 *       budget left (%), burn rates over 5m … 3d and its derived alerts;</li>
 *   <li>{@code GET /api/v1/probes}: every probe with results: its latest result, availability over
 *       1h/1d/30d and latency quantiles of the last hour;</li>
 *   <li>{@code GET /api/v1/status}: the public status ({@link StatusPage}): no token needed, no internal details.</li>
 * </ul>
 * Also refreshes {@link SloMetrics} before each {@code /metrics} scrape.
 */
public final class SloHttp {
    private static final Logger log = LoggerFactory.getLogger(SloHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<KafkaStreams> streams;
    private final RulesSettings settings;
    private final Clock clock;
    private final HostInfo self;
    private final HttpServerSettings peers;
    private final HttpClient http;

    private SloHttp(Supplier<KafkaStreams> streams, RulesSettings settings, Clock clock, HostInfo self, HttpServerSettings peers) {
        this.streams = streams;
        this.settings = settings;
        this.clock = clock;
        this.self = self;
        this.peers = peers;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT);
        peers.peerTlsContext().ifPresent(client::sslContext);
        this.http = client.build();
    }

    /**
     * @param app      the processor's server, not started yet
     * @param streams  the Streams instance, asked for on each request
     * @param settings the rules settings (the configured rule set)
     * @param metrics  gauges to refresh before each scrape, or null
     * @param clock    "now" of every view
     * @param self     this instance as the others reach it, or null for a single instance
     * @param peers    this instance's HTTP settings, which the others share: merged answers are asked for with
     *                 its scheme, token and certificate chain
     */
    public static void register(Javalin app, Supplier<KafkaStreams> streams, RulesSettings settings, SloMetrics metrics,
                                Clock clock, HostInfo self, HttpServerSettings peers) {
        SloHttp h = new SloHttp(Objects.requireNonNull(streams, "streams"), Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock"), self, Objects.requireNonNull(peers, "peers"));
        if (metrics != null) {
            app.before("/metrics", ctx -> {
                try {
                    metrics.refresh(h.queries(), h.rules(), clock.millis());
                } catch (InvalidStateStoreException e) {
                    log.debug("SLO store not queryable while refreshing gauges; keeping the last values", e);
                }
            });
        }
        app.get("/api/v1/slos", h::slos);
        app.get("/api/v1/probes", h::probes);
        app.get("/api/v1/status", h::status);
    }

    private SloQueries queries() {
        return new SloQueries(streams.get().store(StoreQueryParameters.fromNameAndType(RulesTopology.SLO_STORE,
                QueryableStoreTypes.keyValueStore())));
    }

    private RuleSet rules() {
        ReadOnlyKeyValueStore<String, Object> files = streams.get().store(StoreQueryParameters.fromNameAndType(
                RulesTopology.RULES_FILES_STORE, QueryableStoreTypes.keyValueStore()));
        return new RuleSetSource(settings.rules(), files).current();
    }

    private static boolean local(Context ctx) {
        return "local".equals(ctx.queryParam("scope"));
    }

    /** Body of {@code /api/v1/slos}. */
    record SlosBody(String asOf, List<SloQueries.SloView> slos, List<String> unreachable) {
    }

    /** Body of {@code /api/v1/probes}. */
    record ProbesBody(String asOf, List<SloQueries.ProbeView> probes, List<String> unreachable) {
    }

    private void slos(Context ctx) throws InterruptedException {
        Parts mine = localParts(false);
        Parts all = local(ctx) ? mine : merged(mine, "/api/v1/slos?scope=local", SlosBody.class,
                (m, b) -> new Parts(b.slos().stream().map(v -> new StatusPage.SloPart(v, List.of())).toList(), List.of(), List.of(), List.of()));
        ctx.json(new SlosBody(clock.instant().toString(), withZeros(all).stream().map(StatusPage.SloPart::view).toList(), all.unreachable()));
    }

    private void probes(Context ctx) throws InterruptedException {
        Parts mine = localParts(false);
        Parts all = local(ctx) ? mine : merged(mine, "/api/v1/probes?scope=local", ProbesBody.class,
                (m, b) -> new Parts(List.of(), b.probes().stream().map(v -> new StatusPage.ProbePart(v, List.of())).toList(), List.of(), List.of()));
        ctx.json(new ProbesBody(clock.instant().toString(), all.probes().stream().map(StatusPage.ProbePart::view).toList(), all.unreachable()));
    }

    private void status(Context ctx) throws InterruptedException {
        Parts mine = localParts(true);
        if (local(ctx)) {
            ctx.json(new StatusPage.Parts(mine.slos(), mine.probes(), mine.incidents()));
            return;
        }
        Parts all = merged(mine, "/api/v1/status?scope=local", StatusPage.Parts.class,
                (m, b) -> new Parts(b.slos(), b.probes(), b.incidents(), List.of()));
        ctx.header("Cache-Control", "no-store");
        ctx.json(StatusPage.build(new StatusPage.Parts(withZeros(all), all.probes(), all.incidents()), clock.instant().toString()));
    }

    /** What this instance holds, or what several hold together. */
    private record Parts(List<StatusPage.SloPart> slos, List<StatusPage.ProbePart> probes, List<StatusPage.Incident> incidents,
                         List<String> unreachable) {
    }

    private Parts localParts(boolean withDays) {
        SloQueries q = queries();
        RuleSet rules = rules();
        long now = clock.millis();
        List<StatusPage.SloPart> slos = new ArrayList<>();
        for (Slo slo : rules.slos()) {
            if (q.has(slo)) {
                slos.add(new StatusPage.SloPart(q.slo(slo, now), withDays ? q.sloDays(slo, now) : List.of()));
            }
        }
        List<StatusPage.ProbePart> probes = new ArrayList<>();
        for (String name : q.probes()) {
            SloQueries.ProbeView v = q.probe(name, now);
            if (v != null) {
                probes.add(new StatusPage.ProbePart(v, withDays ? q.probeDays(name, now) : List.of()));
            }
        }
        List<StatusPage.Incident> incidents = new ArrayList<>();
        if (withDays) {
            ReadOnlyKeyValueStore<String, AlertEvent> alerts = streams.get().store(StoreQueryParameters.fromNameAndType(
                    RulesTopology.ALERTS_STORE, QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, AlertEvent> it = alerts.all()) {
                it.forEachRemaining(kv -> {
                    AlertEvent a = kv.value;
                    Rule rule = rules.rule(a.getRule());
                    if (rule != null && rule.publicAlert()) {
                        Map<String, String> labels = a.getLabels();
                        String target = labels.containsKey("probe") ? labels.get("probe") : labels.getOrDefault("service", "");
                        String summary = a.getAnnotations().getOrDefault("summary", a.getRule());
                        incidents.add(new StatusPage.Incident(a.getFingerprint(), StatusPage.mask(summary), target, a.getSeverity(),
                                a.getStartsAt().toString()));
                    }
                });
            }
        }
        return new Parts(slos, probes, incidents, List.of());
    }

    /** SLOs nobody has events of yet show with zero counts and a whole budget. */
    private List<StatusPage.SloPart> withZeros(Parts parts) {
        Map<String, StatusPage.SloPart> byName = new LinkedHashMap<>();
        RuleSet rules = rules();
        SloQueries q = queries();
        long now = clock.millis();
        for (Slo slo : rules.slos()) {
            byName.put(slo.name(), null);
        }
        for (StatusPage.SloPart p : parts.slos()) {
            byName.merge(p.view().name(), p, (a, b) -> a == null || b.view().total() > a.view().total() ? b : a);
        }
        List<StatusPage.SloPart> out = new ArrayList<>();
        byName.forEach((name, p) -> {
            Slo slo = rules.slo(name);
            if (p != null) {
                out.add(p);
            } else if (slo != null) {
                out.add(new StatusPage.SloPart(q.slo(slo, now), q.sloDays(slo, now)));
            }
        });
        return out;
    }

    private <B> Parts merged(Parts mine, String path, Class<B> type, java.util.function.BiFunction<Parts, B, Parts> read)
            throws InterruptedException {
        List<StatusPage.SloPart> slos = new ArrayList<>(mine.slos());
        Map<String, StatusPage.ProbePart> probes = new TreeMap<>();
        mine.probes().forEach(p -> probes.put(p.view().name(), p));
        Map<String, StatusPage.Incident> incidents = new LinkedHashMap<>();
        mine.incidents().forEach(i -> incidents.put(i.id(), i));
        List<String> unreachable = new ArrayList<>();
        for (HostInfo host : others()) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((peers.tls() ? "https://" : "http://")
                        + host.host() + ":" + host.port() + path)).timeout(PEER_TIMEOUT).GET();
                if (peers.token() != null) {
                    request.header("Authorization", "Bearer " + peers.token().reveal());
                }
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException("HTTP " + r.statusCode());
                }
                Parts other = read.apply(mine, JSON.readValue(r.body(), type));
                slos.addAll(other.slos());
                other.probes().forEach(p -> probes.merge(p.view().name(), p,
                        (a, b) -> a.view().lastRun().compareTo(b.view().lastRun()) >= 0 ? a : b));
                other.incidents().forEach(i -> incidents.putIfAbsent(i.id(), i));
            } catch (IOException e) {
                log.warn("Instance {}:{} did not answer {}: {}", host.host(), host.port(), path, e.toString());
                unreachable.add(host.host() + ":" + host.port());
            }
        }
        return new Parts(slos, List.copyOf(probes.values()), List.copyOf(incidents.values()), unreachable);
    }

    private List<HostInfo> others() {
        if (self == null) {
            return List.of();
        }
        return streams.get().metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct()
                .filter(h -> !h.equals(self) && h.port() > 0).toList();
    }
}

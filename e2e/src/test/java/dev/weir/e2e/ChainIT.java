package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.e2e.bad.BadInput;
import dev.weir.e2e.bad.BadInputRun;
import dev.weir.e2e.bad.BadInputs;
import dev.weir.e2e.chain.Chain;
import dev.weir.e2e.chain.WeirProcess;
import dev.weir.e2e.check.AlertHistory;
import dev.weir.e2e.check.Arrivals;
import dev.weir.e2e.check.IndexedEvents;
import dev.weir.e2e.check.Notifications;
import dev.weir.e2e.check.Outcomes;
import dev.weir.e2e.check.Search;
import dev.weir.e2e.check.WindowCounts;
import dev.weir.e2e.secrets.SecretEvents;
import dev.weir.e2e.secrets.SecretsRun;
import dev.weir.e2e.traffic.Intake;
import dev.weir.e2e.traffic.Ledger;
import dev.weir.e2e.traffic.RawTopics;
import dev.weir.e2e.traffic.SentEvent;
import dev.weir.e2e.traffic.Traffic;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole chain, as users run it, through faults, bad input and planted secrets: the agent (a tailed JSON file and
 * its HTTP intake), the processor, the sink, Elasticsearch, the emitter and its receivers (a Slack stub, a webhook
 * stub, GreenMail), each component a {@code weir <component> --config FILE} child JVM.
 *
 * <p>Traffic of known content flows the whole time (see {@link Traffic}). Each fault of the {@link Form} happens once,
 * alone, while one service's requests answer 500 for a few seconds, so that an alert fires and resolves through it.
 * After each fault, every event accepted until then is in Elasticsearch, once. At the end: every accepted event
 * exactly once (by {@code labels.seq} and by the agent's {@code event.id}), every window on {@code weir.stats.errors}
 * exact, each spike one FIRING and one RESOLVED on {@code weir.alerts} and one notification id per state change at
 * each receiver, no other alert; the malformed inputs (sent during the Slack outage, through the intake and straight
 * onto the raw topics) each accounted for, with no component restarted and the processor's lag back to 0; no planted
 * secret findable in any index or log file. The figures go to a markdown report (see e2e/README.md).
 */
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class ChainIT {
    private static final Logger log = LoggerFactory.getLogger(ChainIT.class);
    private static final Duration DRAIN = Duration.ofMinutes(3);
    private static final String FILE_SERVICE = "billing";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one fault did.
     *
     * @param fault     the fault
     * @param length    from the fault's start until the component (or server, or stub) was back
     * @param recovery  from then until every event accepted so far was indexed
     * @param detail    what happened (pids, states)
     */
    private record PhaseResult(Fault fault, Duration length, Duration recovery, String detail) {
    }

    private final Form form = Form.fromSystemProperties();
    private final String run = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private final Ledger ledger = new Ledger();
    private final Report report = new Report();
    private final SoftAssertions soft = new SoftAssertions();
    private final List<PhaseResult> phases = new ArrayList<>();
    private Chain chain;
    private Traffic traffic;
    private Search search;
    private BadInputRun badInputs;
    private SecretsRun secrets;
    private Map<String, Long> pidsBeforeBadInput;
    private Map<String, Long> pidsAfterBadInput;
    private double badInputLag = Double.NaN;

    @Test
    void shouldCarryEveryEventOnceAndEveryAlertChangeOnceThroughFaultsBadInputAndSecrets() throws Exception {
        Instant started = Instant.now();
        Path dir = Files.createTempDirectory("weir-e2e-");
        Duration startup = null;
        Throwable stopped = null;
        try {
            chain = Chain.start(dir, FILE_SERVICE);
            startup = Duration.between(started, Instant.now());
            log.info("Chain ready in {} s in {}", startup.toSeconds(), dir);
            search = new Search(chain.elasticsearch().httpUrl());
            traffic = new Traffic(new Traffic.Settings(run, chain.agent().url("/"), chain.tailedFile(), FILE_SERVICE, form.tick(),
                    form.steadyServices(), form.spikeServices()), ledger, Clock.systemUTC());
            traffic.start();
            Poll.until(DRAIN, () -> search.count(IndexedEvents.INDICES, Search.term("labels.run", run)) > 0,
                    () -> "the first events of the run in Elasticsearch");
            for (Fault fault : form.faults()) {
                phases.add(phase(fault));
            }
            finish();
        } catch (Exception | Error e) {
            stopped = e;
            throw e;
        } finally {
            try {
                if (traffic != null) {
                    traffic.close();
                }
            } finally {
                if (chain != null) {
                    chain.close();
                }
                report(started, startup, stopped);
                String title = "Weir end to end: the chain under faults, bad input and planted secrets (" + form.name() + " form)";
                report.write(form.report(), title);
                log.info("Report written to {}", form.report().toAbsolutePath());
                if (stopped == null && soft.errorsCollected().isEmpty()) {
                    TempDirs.delete(dir);
                } else {
                    log.error("The run's files (component logs in logs/) are kept in {}", dir);
                }
            }
        }
        soft.assertAll();
    }

    /** One fault while traffic flows and the fault's spike service answers 500; then everything accepted is indexed. */
    private PhaseResult phase(Fault fault) throws Exception {
        log.info("Phase {}: {}", fault.id(), fault.description());
        String service = fault.spikeService();
        traffic.phase(fault.id());
        traffic.spike(service, form.spike());
        Instant start;
        String detail;
        switch (fault) {
            case PROCESSOR_KILL, SINK_KILL, EMITTER_KILL, AGENT_KILL -> {
                WeirProcess p = component(fault);
                awaitFaultMoment(fault, service);
                start = Instant.now();
                long pid = p.pid();
                p.kill();
                p.start();
                p.awaitReady(DRAIN);
                if (fault == Fault.EMITTER_KILL) {
                    // ready is not yet notifying: that begins once it owns partitions of weir.alerts again
                    Poll.until(DRAIN, () -> JSON.readTree(p.get("/api/v2/status").body()).path("cluster").path("status").asText().equals("ready"),
                            () -> "the emitter to notify again (/api/v2/status cluster.status ready)");
                }
                detail = "pid " + pid + " killed, " + p.pid() + " started";
            }
            case BROKER_RESTART -> {
                awaitFaultMoment(fault, service);
                start = Instant.now();
                chain.kafka().restart();
                detail = "broker stopped and started on " + chain.kafka().bootstrapServers();
            }
            case ELASTICSEARCH_DOWN -> {
                awaitFaultMoment(fault, service);
                start = Instant.now();
                chain.elasticsearch().stop();
                Poll.until(Duration.ofSeconds(60), () -> chain.sink().get("/health/ready").statusCode() == 503,
                        () -> "the sink to report itself not ready while Elasticsearch is down");
                holdUntil(start.plus(form.elasticsearchDown()));
                chain.elasticsearch().restart();
                chain.sink().awaitReady(DRAIN);
                detail = "down " + Duration.between(start, Instant.now()).toSeconds() + " s; the sink answered 503 on /health/ready meanwhile";
            }
            case SLACK_503 -> {
                start = Instant.now();
                chain.slack().failWith(503);
                detail = sendBadInputAndSecrets();
                Poll.until(DRAIN, () -> chain.slack().requests().stream().anyMatch(r -> r.answered() == 503),
                        () -> "a notification to reach the Slack stub while it answers 503");
                holdUntil(start.plus(form.slackDown()));
                chain.slack().failWith(0);
                detail = chain.slack().requests().stream().filter(r -> r.answered() == 503).count() + " requests answered 503; " + detail;
            }
            default -> throw new IllegalArgumentException(fault.toString());
        }
        Instant back = Instant.now();
        String last = traffic.lastSeq();
        traffic.awaitDelivered(DRAIN);
        int expected = ledger.acceptedUpTo(last);
        long[] indexed = {0};
        Poll.until(DRAIN, Duration.ofMillis(500), () -> (indexed[0] = search.count(IndexedEvents.INDICES,
                        Search.all(Search.term("labels.run", run), Search.between("labels.seq", "", last)))) >= expected,
                () -> "the " + expected + " events accepted up to seq " + last + " in Elasticsearch after " + fault.id() + " (have "
                        + indexed[0] + ")");
        soft.assertThat(indexed[0]).as("documents of the events accepted up to the end of phase %s", fault.id()).isEqualTo(expected);
        if (fault == Fault.AGENT_KILL) {
            detail += "; file lines the restarted agent sent again, known by the processor as copies: "
                    + (long) chain.processor().metric("weir_records_duplicate_total", Map.of());
        }
        PhaseResult r = new PhaseResult(fault, Duration.between(start, back), Duration.between(back, Instant.now()), detail);
        log.info("Phase {} done: {}", fault.id(), r);
        return r;
    }

    /** Waits until the fault hits something: the spike under way in the component the fault hits. */
    private void awaitFaultMoment(Fault fault, String service) {
        Poll.until(DRAIN, () -> switch (fault) {
            case PROCESSOR_KILL, BROKER_RESTART -> chain.processor().metric("http_requests_total", Map.of("service", service, "status", "500")) > 0;
            case SINK_KILL, ELASTICSEARCH_DOWN -> search.count(IndexedEvents.INDICES,
                    Search.all(Search.term("labels.run", run), Search.term("labels.phase", fault.id()))) > 0;
            case EMITTER_KILL -> allNotified(earlierSpikes(fault)) && notificationsNow(List.of(service)).stream()
                    .allMatch(n -> !n.ids(service, "firing").isEmpty());
            case AGENT_KILL -> ledger.phase(fault.id()).stream().anyMatch(e -> e.input().equals("http"));
            default -> true;
        }, () -> "the moment for " + fault.description());
    }

    /** @return the spike services of the faults before {@code fault} */
    private List<String> earlierSpikes(Fault fault) {
        return form.faults().subList(0, form.faults().indexOf(fault)).stream().map(Fault::spikeService).toList();
    }

    private WeirProcess component(Fault fault) {
        return switch (fault) {
            case PROCESSOR_KILL -> chain.processor();
            case SINK_KILL -> chain.sink();
            case EMITTER_KILL -> chain.emitter();
            case AGENT_KILL -> chain.agent();
            default -> throw new IllegalArgumentException(fault.toString());
        };
    }

    /** Keeps a fault up until {@code end}: its length is part of the scenario, not a wait for anything. */
    private void holdUntil(Instant end) throws InterruptedException {
        long millis = Duration.between(Instant.now(), end).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /**
     * Malformed input both ways and events with planted secrets, while the Slack stub is down; then waits until the
     * processor and the sink have taken all of it (their lag back to 0) and checks that no component restarted.
     *
     * @return what happened, for the report
     */
    private String sendBadInputAndSecrets() throws Exception {
        Map<String, Long> before = pids();
        double threadFailuresBefore = chain.processor().metric("weir_stream_thread_failures_total", Map.of());
        Instant now = Instant.now();
        List<BadInput> viaHttp = BadInputs.generate(26, form.malformed(), "h", now);
        List<BadInput> viaKafka = BadInputs.generate(27, form.malformed(), "d", now);
        badInputs = new BadInputRun(viaHttp, viaKafka);
        secrets = new SecretsRun(new SecretEvents(28, run).generate(form.secrets(), now));
        Intake intake = new Intake(chain.agent().url("/"));
        Instant sending = Instant.now();
        try (RawTopics raw = new RawTopics(chain.kafka().bootstrapServers())) {
            badInputs.send(intake, raw);
            secrets.send(intake, raw);
        }
        Duration sent = Duration.between(sending, Instant.now());
        Poll.until(DRAIN, Duration.ofMillis(500), () -> chain.processor().metric("weir_processor_group_lag", Map.of()) == 0,
                () -> "the processor's group lag back to 0 after the malformed input");
        Poll.until(DRAIN, Duration.ofMillis(500), () -> chain.sink().metric("weir_sink_consumer_lag", Map.of()) == 0,
                () -> "the sink's lag back to 0 after the malformed input");
        Duration taken = Duration.between(sending, Instant.now());
        badInputLag = chain.processor().metric("weir_processor_group_lag", Map.of());
        threadFailures = chain.processor().metric("weir_stream_thread_failures_total", Map.of()) - threadFailuresBefore;
        pidsBeforeBadInput = before;
        pidsAfterBadInput = pids();
        log.info("Sent {} malformed inputs each way and {} events with secrets in {} s; processed after {} s", form.malformed(),
                form.secrets(), sent.toSeconds(), taken.toSeconds());
        return "malformed input and secrets sent in " + sent.toSeconds() + " s, the processor's and the sink's lag 0 after "
                + taken.toSeconds() + " s";
    }

    private Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (WeirProcess p : chain.components()) {
            pids.put(p.component(), p.isAlive() ? p.pid() : -1);
        }
        return pids;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The end of the run: what must hold

    private IndexedEvents indexed;
    private WindowCounts windows;
    private AlertHistory alerts;
    private List<Notifications> notifications;
    private List<BadInputRun.Verdict> verdicts;
    private Outcomes outcomes;
    private long deadLetterDocuments;
    private long cleanBadInputsIndexed;
    private List<String> searchHits;
    private List<String> sourceHits;
    private List<String> componentLogHits;
    private List<String> serverLogHits;
    private long documentsScanned;
    private double lag = Double.NaN;
    private double threadFailures = Double.NaN;
    private Instant closersAt;

    private void finish() throws Exception {
        traffic.stopGenerating();
        traffic.awaitDelivered(DRAIN);
        log.info("Traffic stopped; {} events accepted", ledger.size());

        // every spike resolved, every receiver told of both changes
        List<String> spikes = form.spikeServices();
        await(Duration.ofMinutes(3), () -> allNotified(spikes), () -> "a firing and a resolved notification of every spike at every "
                + "receiver; have " + describe(spikes));

        // every accepted event through the processor (the tailed file's last lines included) before the closers
        awaitAllIndexed();
        // closers: one event per service far enough ahead that every window of the run closes
        closersAt = Instant.now().plus(Chain.MEASURE_WINDOW).plus(Chain.MEASURE_GRACE).plusSeconds(5);
        List<String> services = trafficServices();
        traffic.sendClosers(services, closersAt);
        traffic.awaitDelivered(DRAIN);
        awaitAllIndexed();
        indexed = IndexedEvents.check(search, run, ledger.all());

        long closedBefore = closersAt.minus(Chain.MEASURE_GRACE).toEpochMilli();
        Set<String> measured = new LinkedHashSet<>(services);
        Arrivals arrivals = Arrivals.read(chain.kafka().bootstrapServers(), run);
        WindowCounts[] w = {null};
        await(Duration.ofMinutes(2), () -> (w[0] = WindowCounts.check(chain.kafka().bootstrapServers(), ledger.all(), arrivals, measured,
                Chain.MEASURE_WINDOW.toMillis(), Chain.MEASURE_GRACE.toMillis(), closedBefore)).missing().isEmpty(),
                () -> "every closed window on weir.stats.errors; missing " + (w[0] == null ? "?" : w[0].missing()));
        windows = w[0];

        await(DRAIN, () -> chain.processor().metric("weir_processor_group_lag", Map.of()) == 0, () -> "the processor's group lag back to 0");
        lag = chain.processor().metric("weir_processor_group_lag", Map.of());
        await(DRAIN, () -> chain.sink().metric("weir_sink_consumer_lag", Map.of()) == 0, () -> "the sink's lag back to 0");

        alerts = AlertHistory.read(chain.kafka().bootstrapServers(), Chain.RULE);
        notifications = notificationsNow(spikes);

        outcomes = Outcomes.read(chain.kafka().bootstrapServers());
        verdicts = badInputs.account(outcomes);
        search.refresh();
        deadLetterDocuments = search.count("weir-deadletter", Search.all());
        cleanBadInputsIndexed = cleanIndexed();

        searchHits = secrets.searchHits(search);
        long[] scanned = {0};
        sourceHits = secrets.sourceHits(search, scanned);
        documentsScanned = scanned[0];
        componentLogHits = secrets.fileHits(chain.components().stream().map(WeirProcess::log).toList());
        serverLogHits = secrets.fileHits(List.of(chain.kafka().logFile(), chain.elasticsearch().logFile()));
        assertEverything();
    }

    private void awaitAllIndexed() {
        long[] have = {0};
        await(DRAIN, () -> (have[0] = search.count(IndexedEvents.INDICES, Search.term("labels.run", run))) >= ledger.size(),
                () -> "every accepted event (" + ledger.size() + ") in Elasticsearch; have " + have[0]);
    }

    /** Waits like {@link Poll#until}, but a timeout is a failure of the run, recorded, and the checks go on. */
    private void await(Duration timeout, java.util.concurrent.Callable<Boolean> condition, java.util.function.Supplier<String> describe) {
        try {
            Poll.until(timeout, Duration.ofSeconds(1), condition, describe);
        } catch (IllegalStateException e) {
            soft.fail(e.getMessage());
        }
    }

    private List<String> trafficServices() {
        List<String> services = new ArrayList<>(form.steadyServices());
        services.addAll(form.spikeServices());
        services.add(FILE_SERVICE);
        return services;
    }

    private boolean allNotified(List<String> spikes) throws Exception {
        for (Notifications n : notificationsNow(spikes)) {
            for (String s : spikes) {
                if (n.ids(s, "firing").isEmpty() || n.ids(s, "resolved").isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private String describe(List<String> spikes) {
        try {
            return notificationsNow(spikes).stream().map(n -> n.receiver() + " " + n.ids()).collect(Collectors.joining("; "));
        } catch (Exception e) {
            return "(cannot read the receivers: " + e + ")";
        }
    }

    private List<Notifications> notificationsNow(List<String> spikes) throws Exception {
        return List.of(Notifications.slack(chain.slack(), spikes), Notifications.webhook(chain.webhook(), spikes),
                Notifications.email(chain.mail(), spikes));
    }

    /** @return how many of the malformed inputs that came out clean are in Elasticsearch (by {@code event.id}) */
    private long cleanIndexed() throws Exception {
        List<String> ids = verdicts.stream().filter(v -> v.verdict().equals(BadInputRun.CLEAN)).map(BadInputRun.Verdict::eventId).toList();
        long found = 0;
        for (int from = 0; from < ids.size(); from += 500) {
            found += search.count(IndexedEvents.INDICES, Search.terms("event.id", ids.subList(from, Math.min(ids.size(), from + 500))));
        }
        return found;
    }

    private void assertEverything() {
        soft.assertThat(ledger.figure("http.bodies-given-up") + ledger.figure("http.lines-refused") + ledger.figure("traffic.tick-failures"))
                .as("traffic bodies given up, valid lines refused, ticks failed").isZero();
        soft.assertThat(indexed.missing()).as("accepted events missing from Elasticsearch").isEmpty();
        soft.assertThat(indexed.duplicated()).as("accepted events indexed more than once").isEmpty();
        soft.assertThat(indexed.unexpected()).as("documents of the run that no accepted event explains").isEmpty();
        soft.assertThat(indexed.wrongIds()).as("documents whose event.id is not the one the agent gives the line").isEmpty();
        if (windows != null) {
            soft.assertThat(windows.differences()).as("windows on weir.stats.errors that differ from what was sent").isEmpty();
            soft.assertThat(windows.expected()).as("windows compared").isPositive();
        }

        for (String s : form.spikeServices()) {
            long[] spike = traffic.spikeOf(s);
            soft.assertThat(alerts.problems(s, spike[0], spike[1], Chain.RULE_WINDOW.toMillis())).as("state changes of %s's alert on weir.alerts: %s", s,
                    alerts.describe(s)).isEmpty();
            int episodes = Math.max(1, (int) alerts.statuses(s).stream().filter("FIRING"::equals).count());
            for (Notifications n : notifications) {
                soft.assertThat(n.ids(s, "firing")).as("%s: firing notifications of %s, by id (%d firing on weir.alerts)", n.receiver(), s,
                        episodes).hasSizeBetween(1, episodes);
                soft.assertThat(n.ids(s, "resolved")).as("%s: resolved notifications of %s, by id (%d resolved on weir.alerts)", n.receiver(),
                        s, episodes).hasSizeBetween(1, episodes);
                soft.assertThat(n.ids(s, "resolved")).as("%s: a resolved notification of %s for each firing one", n.receiver(), s)
                        .hasSameSizeAs(n.ids(s, "firing"));
            }
        }
        for (Notifications n : notifications) {
            soft.assertThat(n.foreign()).as("%s: notifications of no spike", n.receiver()).isZero();
        }
        soft.assertThat(alerts.byService().keySet()).as("services with alerts").containsExactlyInAnyOrderElementsOf(form.spikeServices());

        Map<String, Long> byVerdict = verdicts.stream().collect(Collectors.groupingBy(BadInputRun.Verdict::verdict, TreeMap::new, Collectors.counting()));
        soft.assertThat(byVerdict.keySet()).as("verdicts of the malformed inputs (none lost, none counted twice)")
                .allMatch(v -> List.of(BadInputRun.REFUSED, BadInputRun.CLEAN, BadInputRun.DEAD_LETTER, BadInputRun.SINK_DEAD_LETTER).contains(v));
        soft.assertThat(verdicts.stream().filter(v -> v.verdict().equals(BadInputRun.CLEAN) && !v.input().cleanAllowed())
                .map(v -> v.route() + " " + v.input().kind() + " #" + v.input().n()).toList())
                .as("malformed inputs that came out as clean events").isEmpty();
        soft.assertThat(verdicts.stream().filter(v -> !v.verdict().equals(BadInputRun.CLEAN) && (v.reason() == null || v.reason().isBlank()))
                .map(v -> v.route() + " " + v.input().kind() + " #" + v.input().n()).toList())
                .as("refusals and dead letters without a reason").isEmpty();
        soft.assertThat(cleanBadInputsIndexed).as("malformed inputs that came out clean, found in Elasticsearch by event.id")
                .isEqualTo(verdicts.stream().filter(v -> v.verdict().equals(BadInputRun.CLEAN)).count());
        soft.assertThat(deadLetterDocuments).as("documents in weir-deadletter, one per dead letter on weir.deadletter")
                .isEqualTo(outcomes.deadLetters().size());
        soft.assertThat(pidsAfterBadInput).as("component processes after the malformed input (none restarted)").isEqualTo(pidsBeforeBadInput);
        soft.assertThat(threadFailures).as("processor stream threads that died during the malformed input").isZero();
        soft.assertThat(badInputLag).as("processor group lag after the malformed input").isZero();
        soft.assertThat(lag).as("processor group lag at the end").isZero();

        soft.assertThat(searchHits).as("planted secrets found by a search of every index").isEmpty();
        soft.assertThat(sourceHits).as("documents holding a planted secret").isEmpty();
        soft.assertThat(componentLogHits).as("component log files holding a planted secret").isEmpty();
        soft.assertThat(documentsScanned).as("documents scanned for secrets").isGreaterThan(ledger.size());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The report: whatever was measured, also when the run stopped early

    private void report(Instant started, Duration startup, Throwable stopped) {
        List<SentEvent> all = ledger.all();
        long http = all.stream().filter(e -> e.input().equals("http")).count();
        report.line("Run `" + run + "`, " + form.name() + " form, " + Instant.now() + ": " + Duration.between(started, Instant.now()).toSeconds()
                + " s in all (chain start " + (startup == null ? "-" : startup.toSeconds()) + " s). Command: "
                + (form.name().equals("full") ? "`e2e/run`" : "`mvn -pl e2e -am verify` (part of `bin/test`)") + ". Traffic: a tick every "
                + form.tick().toMillis() + " ms; steady services " + form.steadyServices() + ", the file service `" + FILE_SERVICE
                + "`, one spike service per fault.");
        if (stopped != null) {
            report.line("").line("**The run stopped early:** " + stopped.toString().replace("\n", " "));
        }
        if (!soft.errorsCollected().isEmpty()) {
            report.line("").line("**Failed checks (" + soft.errorsCollected().size() + "):**").line("");
            soft.errorsCollected().forEach(e -> report.line("- " + e.getMessage().replace("\n", " ").substring(0,
                    Math.min(600, e.getMessage().replace("\n", " ").length()))));
        }
        report.section("Events");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("events accepted (HTTP intake / tailed file)", all.size() + " (" + http + " / " + (all.size() - http) + ")"));
        rows.add(List.of("HTTP bodies accepted; sent again after a failure or 503", ledger.figure("http.bodies") + "; "
                + ledger.figure("http.attempts-repeated")));
        rows.add(List.of("bodies given up, valid lines refused", ledger.figure("http.bodies-given-up") + ", " + ledger.figure("http.lines-refused")));
        if (indexed != null) {
            rows.add(List.of("documents in Elasticsearch (labels.run)", Long.toString(indexed.documents())));
            rows.add(List.of("lost (accepted, not indexed)", Integer.toString(indexed.missing().size())));
            rows.add(List.of("duplicated (indexed more than once)", Integer.toString(indexed.duplicated().size())));
            rows.add(List.of("unexpected documents; documents with another event.id", indexed.unexpected().size() + "; " + indexed.wrongIds().size()));
        }
        if (windows != null) {
            rows.add(List.of("windows compared on weir.stats.errors (10 s, per service)", Integer.toString(windows.expected())));
            rows.add(List.of("events of those windows sent late (reached the raw topics after an event of their task past their window's end + grace)",
                    Integer.toString(windows.sentLate())));
            rows.add(List.of("windows that differ; missing", windows.differences().size() + "; " + windows.missing().size()));
        }
        rows.add(List.of("processor group lag at the end", Double.toString(lag)));
        report.table(List.of("figure", "value"), rows);
        if (indexed != null && !indexed.exactlyOnce()) {
            report.line("Missing: " + indexed.missing().stream().limit(20).toList() + "; duplicated: "
                    + indexed.duplicated().entrySet().stream().limit(20).toList() + "; unexpected: " + indexed.unexpected().stream().limit(20).toList());
        }
        if (windows != null && !windows.differences().isEmpty()) {
            report.line("Windows that differ: " + windows.differences().stream().limit(20).toList());
        }
        reportFaults();
        if (verdicts != null) {
            reportBadInput();
        }
        if (searchHits != null) {
            reportSecrets();
        }
    }

    private void reportFaults() {
        report.section("Faults");
        List<List<String>> rows = new ArrayList<>();
        for (PhaseResult p : phases) {
            String s = p.fault().spikeService();
            rows.add(List.of(p.fault().description(), p.length().toSeconds() + " s", p.recovery().toSeconds() + " s",
                    Integer.toString(ledger.phase(p.fault().id()).size()),
                    indexed == null ? "-" : Long.toString(indexed.perPhase().getOrDefault(p.fault().id(), 0L)),
                    alerts == null ? "-" : String.join(" → ", alerts.statuses(s)), notifications == null ? "-" : notified(s), p.detail()));
        }
        report.table(List.of("fault", "length", "then all indexed in", "events of the phase accepted", "indexed", "alert changes (weir.alerts)",
                "notification ids firing/resolved: slack, webhook, e-mail", "detail"), rows);
        if (notifications != null) {
            report.line("Notifications accepted per receiver (repeats: the same id accepted again; refused: answered 503):");
            report.table(List.of("receiver", "accepted", "distinct ids", "repeats", "refused"), notifications.stream().map(n -> List.of(n.receiver(),
                    Integer.toString(n.accepted()), Integer.toString(n.accepted() - n.repeats() - n.foreign()), Integer.toString(n.repeats()),
                    Integer.toString(n.refused()))).toList());
        }
    }

    private String notified(String service) {
        return notifications.stream().map(n -> n.ids(service, "firing").size() + "/" + n.ids(service, "resolved").size())
                .collect(Collectors.joining(", "));
    }

    private void reportBadInput() {
        report.section("Malformed input");
        report.line(form.malformed() + " inputs through the agent's HTTP intake and " + form.malformed() + " straight onto the raw "
                + "topics, sent during the Slack outage. Verdicts per kind:");
        Map<String, long[]> perKind = new TreeMap<>();
        Map<String, Long> reasons = new TreeMap<>();
        for (BadInputRun.Verdict v : verdicts) {
            long[] c = perKind.computeIfAbsent(v.input().kind() + " | " + v.route(), k -> new long[6]);
            c[0]++;
            switch (v.verdict()) {
                case BadInputRun.REFUSED -> c[1]++;
                case BadInputRun.CLEAN -> c[2]++;
                case BadInputRun.DEAD_LETTER -> c[3]++;
                case BadInputRun.SINK_DEAD_LETTER -> c[4]++;
                default -> c[5]++;
            }
            if (!v.verdict().equals(BadInputRun.CLEAN)) {
                String reason = v.reason() == null ? "(none)" : v.reason().replaceAll("[0-9]+", "N");
                reasons.merge(v.route() + ": " + v.verdict() + ": " + (reason.length() > 100 ? reason.substring(0, 100) + "…" : reason), 1L, Long::sum);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        perKind.forEach((k, c) -> rows.add(List.of(k.substring(0, k.indexOf(" | ")), k.substring(k.indexOf(" | ") + 3), Long.toString(c[0]),
                Long.toString(c[1]), Long.toString(c[2]), Long.toString(c[3]), Long.toString(c[4]), Long.toString(c[5]))));
        report.table(List.of("kind", "route", "inputs", "refused at the intake", "clean", "dead letter", "dead letter (sink)", "lost or counted twice"), rows);
        report.line("Reasons given (numbers shown as N):");
        report.table(List.of("route: verdict: reason", "inputs"), reasons.entrySet().stream().map(e -> List.of(e.getKey(), Long.toString(e.getValue()))).toList());
        long clean = verdicts.stream().filter(v -> v.verdict().equals(BadInputRun.CLEAN)).count();
        report.line("Malformed inputs that came out clean: " + clean + ", in Elasticsearch by event.id: " + cleanBadInputsIndexed + ". Dead letters "
                + "on weir.deadletter in the whole run: " + outcomes.deadLetters().size() + " (records, repeats included: " + outcomes.deadLetterRecords()
                + "); documents in weir-deadletter: " + deadLetterDocuments + ". Component processes before and after the malformed input: "
                + pidsBeforeBadInput + " → " + pidsAfterBadInput + "; processor stream threads died meanwhile: " + (long) threadFailures
                + "; processor group lag after it: " + (long) badInputLag + ".");
    }

    private void reportSecrets() {
        report.section("Planted secrets");
        List<List<String>> rows = new ArrayList<>();
        secrets.figures().forEach((k, v) -> rows.add(List.of(k, Long.toString(v))));
        rows.add(List.of("phrase searches of every field of every index (each secret, each planted text) that found something",
                Integer.toString(searchHits.size())));
        rows.add(List.of("documents of every index read (_source scanned)", Long.toString(documentsScanned)));
        rows.add(List.of("documents holding a secret", Integer.toString(sourceHits.size())));
        rows.add(List.of("component log files holding a secret (agent, processor, sink, emitter)", Integer.toString(componentLogHits.size())));
        rows.add(List.of("broker and Elasticsearch log files holding a secret", Integer.toString(serverLogHits.size())));
        report.table(List.of("figure", "value"), rows);
        List<String> found = new ArrayList<>(searchHits);
        found.addAll(sourceHits);
        found.addAll(componentLogHits);
        found.addAll(serverLogHits);
        if (!found.isEmpty()) {
            report.line("Found: " + found.stream().limit(20).toList());
        }
    }
}

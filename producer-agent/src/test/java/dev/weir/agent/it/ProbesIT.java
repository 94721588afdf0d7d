package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.probe.ProbesPublisher;
import dev.weir.agent.ship.Destinations;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents running probes from a probes topic on a real broker against a local HTTP server: each
 * probe runs once per slot however many agents share the group, the work moves when an agent
 * leaves, and each answer of the target becomes the probe event it should.
 */
@ExtendWith(LocalStackExtension.class)
class ProbesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private HttpServer target;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicReference<String> behaviour = new AtomicReference<>("ok");
    private final List<AgentApp> agents = new ArrayList<>();

    @BeforeEach
    void startTarget() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe-target");
            t.setDaemon(true);
            return t;
        }));
        target.createContext("/", exchange -> {
            String probe = exchange.getRequestURI().getPath().substring(1);
            hits.computeIfAbsent(probe, k -> new AtomicInteger()).incrementAndGet();
            String mode = behaviour.get();
            int status = mode.equals("503") ? 503 : 200;
            String body = mode.equals("wrong-body") ? "{\"status\":\"degraded\"}" : "{\"status\":\"healthy\"}";
            if (mode.equals("hang")) {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        target.start();
    }

    @AfterEach
    void stop() {
        agents.forEach(AgentApp::close);
        target.stop(0);
    }

    private String url(String probe) {
        return "http://127.0.0.1:" + target.getAddress().getPort() + "/" + probe;
    }

    private AgentApp agent(KafkaBroker kafka, String prefix, String name) throws IOException {
        AgentSettings s = AgentSettings.of("agent", kafka.bootstrapServers(), dir.resolve(name), List.of());
        s = new AgentSettings(s.serviceName(), null, name, s.kafka(), name, new Destinations(prefix + "logs", prefix + "requests"),
                s.dataDir(), s.checkpointInterval(), s.buffer(), HttpSettings.defaults().at("127.0.0.1", 0), s.stdin(), s.files(),
                new AgentSettings.ProbeSettings(true, prefix + "probes", prefix + "group"));
        AgentApp a = new AgentApp(s, Clock.systemUTC());
        a.start();
        agents.add(a);
        return a;
    }

    private static String prefix(TestInfo info) {
        return "it.probes." + info.getTestMethod().orElseThrow().getName() + ".";
    }

    private static KafkaConsumer<String, String> reader(KafkaBroker kafka, String topic) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    @Test
    void shouldRunEachProbeOnceAcrossTwoAgentsAndMoveItsWorkWhenOneLeaves(KafkaBroker kafka, TestInfo info) throws Exception {
        String prefix = prefix(info);
        kafka.createTopic(prefix + "probes", 3);
        kafka.createTopic(prefix + "logs", 3);
        kafka.createTopic(prefix + "requests", 3);
        List<String> names = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel");
        StringBuilder yaml = new StringBuilder("probes:\n");
        names.forEach(n -> yaml.append("  - {name: ").append(n).append(", url: \"").append(url(n)).append("\", interval: 1s, timeout: 900ms}\n"));
        Files.writeString(dir.resolve("probes.yml"), yaml);
        ProbesPublisher.apply(dir.resolve("probes.yml"), KafkaSettings.plaintext(kafka.bootstrapServers()), prefix + "probes");

        AgentApp one = agent(kafka, prefix, "agent-1");
        AgentApp two = agent(kafka, prefix, "agent-2");
        Poll.until(WAIT, () -> one.probesAssigned().size() + two.probesAssigned().size() == names.size()
                        && !one.probesAssigned().isEmpty() && !two.probesAssigned().isEmpty(),
                () -> "both agents to share the " + names.size() + " probes (agent-1 " + one.probesAssigned() + ", agent-2 " + two.probesAssigned() + ")");
        Set<String> overlap = new HashSet<>(one.probesAssigned());
        overlap.retainAll(two.probesAssigned());
        assertThat(overlap).as("probes run by both agents").isEmpty();

        Map<String, Set<String>> slots = new ConcurrentHashMap<>();
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = reader(kafka, prefix + "logs")) {
            Poll.until(WAIT, () -> {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                    JsonNode e = JSON.readTree(r.value());
                    ids.add(e.path("event.id").asText());
                    slots.computeIfAbsent(e.path("labels").path("probe").asText(), k -> ConcurrentHashMap.newKeySet()).add(e.path("event.id").asText());
                }
                return names.stream().allMatch(n -> slots.getOrDefault(n, Set.of()).size() >= 5);
            }, () -> "five runs of every probe (have " + slots + ")");

            // the first agent leaves: the other takes its probes over at once
            Set<String> moved = one.probesAssigned();
            one.close();
            Poll.until(WAIT, () -> two.probesAssigned().size() == names.size(), () -> "agent-2 to run all probes (has " + two.probesAssigned() + ")");
            Map<String, Integer> before = new java.util.HashMap<>();
            moved.forEach(n -> before.put(n, slots.get(n).size()));
            Poll.until(WAIT, () -> {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                    JsonNode e = JSON.readTree(r.value());
                    ids.add(e.path("event.id").asText());
                    slots.get(e.path("labels").path("probe").asText()).add(e.path("event.id").asText());
                }
                return moved.stream().allMatch(n -> slots.get(n).size() >= before.get(n) + 3);
            }, () -> "three more runs of the moved probes " + moved);
            two.close();
            // whatever was in flight arrives; then every request the target served is one event of its own slot
            Poll.until(WAIT, () -> {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(300))) {
                    JsonNode e = JSON.readTree(r.value());
                    ids.add(e.path("event.id").asText());
                    slots.get(e.path("labels").path("probe").asText()).add(e.path("event.id").asText());
                }
                return names.stream().allMatch(n -> hits.get(n).get() == slots.get(n).size());
            }, () -> "one event per request served (hits " + hits + ", events per probe " + counts(slots) + ")");
        }
        assertThat(ids).as("event ids (probe and slot) are unique: no slot ran twice").doesNotHaveDuplicates();
    }

    private static Map<String, Integer> counts(Map<String, Set<String>> slots) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        slots.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }

    @Test
    void shouldTurnEachAnswerOfTheTargetIntoItsProbeEvent(KafkaBroker kafka, TestInfo info) throws Exception {
        String prefix = prefix(info);
        kafka.createTopic(prefix + "probes", 3);
        kafka.createTopic(prefix + "logs", 3);
        kafka.createTopic(prefix + "requests", 3);
        Files.writeString(dir.resolve("probes.yml"), """
                probes:
                  - name: health
                    service: shop
                    url: "%s"
                    interval: 1s
                    timeout: 800ms
                    expect: {status: 200-299, body_contains: healthy, json: '$.status == "healthy"'}
                """.formatted(url("health")));
        ProbesPublisher.apply(dir.resolve("probes.yml"), KafkaSettings.plaintext(kafka.bootstrapServers()), prefix + "probes");
        agent(kafka, prefix, "agent-1");

        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = reader(kafka, prefix + "logs")) {
            for (String mode : List.of("ok", "503", "hang", "wrong-body", "ok")) {
                behaviour.set(mode);
                int from = events.size();
                Poll.until(WAIT, () -> {
                    for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                        assertThat(r.key()).isEqualTo("shop");
                        events.add(JSON.readTree(r.value()));
                    }
                    // a run that started before the switch may still report the earlier answer: wait for two of the new one
                    return events.subList(from, events.size()).stream().filter(e -> matches(mode, e)).count() >= 2;
                }, () -> "two events of a target answering '" + mode + "' (have " + events.subList(from, events.size()) + ")");
            }
        }
        JsonNode ok = events.stream().filter(e -> matches("ok", e)).findFirst().orElseThrow();
        assertThat(ok.path("event.category").asText()).isEqualTo("probe");
        assertThat(ok.path("service.name").asText()).isEqualTo("shop");
        assertThat(ok.path("http.response.status_code").asInt()).isEqualTo(200);
        assertThat(ok.path("url.path").asText()).isEqualTo("/health");
        assertThat(ok.path("event.duration").asLong()).isPositive();
        JsonNode down503 = events.stream().filter(e -> matches("503", e)).findFirst().orElseThrow();
        assertThat(down503.path("labels").path("probe_reason").asText()).isEqualTo("expected status 200-299, got 503");
        assertThat(down503.path("log.level").asText()).isEqualTo("warn");
        JsonNode hung = events.stream().filter(e -> matches("hang", e)).findFirst().orElseThrow();
        assertThat(hung.has("http.response.status_code")).isFalse();
        JsonNode wrong = events.stream().filter(e -> matches("wrong-body", e)).findFirst().orElseThrow();
        assertThat(wrong.path("labels").path("probe_reason").asText()).isEqualTo("the body does not contain \"healthy\"");
    }

    @Test
    void shouldPickUpProbesAppliedWhileItRuns(KafkaBroker kafka, TestInfo info) throws Exception {
        String prefix = prefix(info);
        kafka.createTopic(prefix + "probes", 3);
        kafka.createTopic(prefix + "logs", 3);
        kafka.createTopic(prefix + "requests", 3);
        Path file = dir.resolve("probes.yml");
        Files.writeString(file, "probes:\n  - {name: old, url: \"" + url("old") + "\", interval: 1s}\n");
        ProbesPublisher.apply(file, KafkaSettings.plaintext(kafka.bootstrapServers()), prefix + "probes");
        AgentApp a = agent(kafka, prefix, "agent-1");
        Poll.until(WAIT, () -> hits.containsKey("old"), () -> "the first probe to run");

        Files.writeString(file, "probes:\n  - {name: new, url: \"" + url("new") + "\", interval: 1s}\n");
        ProbesPublisher.Result result = ProbesPublisher.apply(file, KafkaSettings.plaintext(kafka.bootstrapServers()), prefix + "probes");

        assertThat(result.deleted()).containsExactly("old");
        Poll.until(WAIT, () -> a.probesAssigned().equals(Set.of("new")) && hits.getOrDefault("new", new AtomicInteger()).get() >= 2,
                () -> "the agent to run only the new probe (runs " + a.probesAssigned() + ", hits " + hits + ")");
        int old = hits.get("old").get();
        Poll.until(WAIT, () -> hits.get("new").get() >= 4, () -> "two more runs of the new probe");
        assertThat(hits.get("old").get()).as("runs of the removed probe after the new one ran twice").isLessThanOrEqualTo(old);
    }

    private static boolean matches(String mode, JsonNode e) {
        String reason = e.path("labels").path("probe_reason").asText("");
        return switch (mode) {
            case "ok" -> e.path("event.outcome").asText().equals("success");
            case "503" -> reason.contains("got 503");
            case "hang" -> reason.startsWith("no answer within 800 ms");
            default -> reason.contains("does not contain");
        };
    }
}

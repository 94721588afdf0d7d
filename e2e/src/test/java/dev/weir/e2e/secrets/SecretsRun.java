package dev.weir.e2e.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.e2e.check.Search;
import dev.weir.e2e.secrets.SecretEvents.SecretEvent;
import dev.weir.e2e.traffic.Intake;
import dev.weir.e2e.traffic.RawTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Events with planted secrets sent through the agent's HTTP intake and straight onto the raw topics, and then
 * looked for everywhere: by a phrase search of every field of every Elasticsearch index for each secret and each
 * planted text, in the {@code _source} of every document of every index, and in every log file. Not thread-safe.
 */
public final class SecretsRun {
    private static final int LINES_PER_BODY = 20;

    private final List<SecretEvent> events;
    private int refusedAtIntake;
    private int viaHttp;
    private int viaKafka;

    /** @param events the events to send */
    public SecretsRun(List<SecretEvent> events) {
        this.events = List.copyOf(events);
    }

    /** Sends the events: most through {@code intake}, the rest (and every 2 MB one) onto the raw topics. */
    public void send(Intake intake, RawTopics raw) throws Exception {
        for (boolean request : new boolean[] {false, true}) {
            List<SecretEvent> body = new ArrayList<>();
            for (SecretEvent e : events) {
                if (!e.direct() && e.request() == request) {
                    body.add(e);
                    if (body.size() == LINES_PER_BODY) {
                        post(intake, body, request);
                        body.clear();
                    }
                }
            }
            if (!body.isEmpty()) {
                post(intake, body, request);
            }
        }
        List<SecretEvent> direct = events.stream().filter(SecretEvent::direct).toList();
        raw.send(direct.stream().map(SecretEvent::bytes).toList(), direct.stream().map(SecretEvent::request).toList(), "vault");
        viaKafka = direct.size();
    }

    private void post(Intake intake, List<SecretEvent> body, boolean request) throws InterruptedException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (SecretEvent e : body) {
            bytes.writeBytes(e.bytes());
            bytes.write('\n');
        }
        Intake.Answer a = intake.post(request ? "/v1/requests" : "/v1/logs", bytes.toByteArray(), Duration.ofMinutes(5));
        if (a.status() != 202 && a.status() != 400) {
            throw new IllegalStateException("The agent answered " + a.status() + " to a body of secrets: " + a.body());
        }
        viaHttp += body.size();
        refusedAtIntake += a.rejected().size();
    }

    /** @return every planted secret */
    public List<Planted> planted() {
        return events.stream().flatMap(e -> e.planted().stream()).toList();
    }

    /** @return figures: events, malformed, via HTTP, refused at the intake, via Kafka, secrets planted per kind */
    public Map<String, Long> figures() {
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("events", (long) events.size());
        f.put("malformed", events.stream().filter(SecretEvent::malformed).count());
        f.put("via the HTTP intake", (long) viaHttp);
        f.put("refused at the intake", (long) refusedAtIntake);
        f.put("straight onto the raw topics", (long) viaKafka);
        f.put("secrets planted", (long) planted().size());
        Map<String, Long> perKind = new TreeMap<>();
        planted().forEach(p -> perKind.merge(p.kind(), 1L, Long::sum));
        perKind.forEach((k, v) -> f.put("  " + k, v));
        return f;
    }

    /**
     * A phrase search over every field of every index ({@code *}, hidden ones included) for each secret: 25 secrets
     * to a query ({@code "s1" OR "s2" …}), and each secret of a query that found something searched alone.
     *
     * @return {@code "<secret>: <hits>"} for every secret a search found
     */
    public List<String> searchHits(Search search) throws IOException, InterruptedException {
        search.refresh();
        List<String> needles = new ArrayList<>(needles());
        List<List<String>> groups = new ArrayList<>();
        for (int from = 0; from < needles.size(); from += 25) {
            groups.add(needles.subList(from, Math.min(needles.size(), from + 25)));
        }
        List<String> suspects = new ArrayList<>();
        for (int from = 0; from < groups.size(); from += 40) {
            List<List<String>> chunk = groups.subList(from, Math.min(groups.size(), from + 40));
            List<Long> counts = search.counts("*", chunk.stream().map(Search::anyPhraseAnywhere).toList());
            for (int i = 0; i < chunk.size(); i++) {
                if (counts.get(i) > 0) {
                    suspects.addAll(chunk.get(i));
                }
            }
        }
        List<String> hits = new ArrayList<>();
        for (int from = 0; from < suspects.size(); from += 40) {
            List<String> chunk = suspects.subList(from, Math.min(suspects.size(), from + 40));
            List<Long> counts = search.counts("*", chunk.stream().map(n -> Search.anyPhraseAnywhere(List.of(n))).toList());
            for (int i = 0; i < chunk.size(); i++) {
                if (counts.get(i) > 0) {
                    hits.add(chunk.get(i) + ": " + counts.get(i));
                }
            }
        }
        return hits;
    }

    /**
     * Reads the {@code _source} of every document of every index and looks for every secret in it (base64-encoded
     * dead-letter originals decoded first).
     *
     * @return {@code "<index>/<id>: <secrets>"} for every document holding one
     */
    public List<String> sourceHits(Search search, long[] documentsRead) throws IOException, InterruptedException {
        NeedleScan scan = new NeedleScan(needles());
        List<String> hits = new ArrayList<>();
        search.scroll("*", Search.all(), List.of(), hit -> {
            documentsRead[0]++;
            JsonNode source = hit.path("_source");
            Set<String> found = new LinkedHashSet<>(scan.find(source.toString()));
            JsonNode encoding = source.has("weir.dlq.encoding") ? source.get("weir.dlq.encoding") : source.path("weir").path("dlq").path("encoding");
            if ("base64".equals(encoding.asText()) && source.path("message").isTextual()) {
                try {
                    found.addAll(scan.find(new String(Base64.getDecoder().decode(source.path("message").asText()), StandardCharsets.ISO_8859_1)));
                } catch (IllegalArgumentException notBase64) {
                    // the message is the text itself
                }
            }
            if (!found.isEmpty()) {
                hits.add(hit.path("_index").asText() + "/" + hit.path("_id").asText() + ": " + found);
            }
        });
        return hits;
    }

    /** @return {@code "<file>: <secrets>"} for every file holding one */
    public List<String> fileHits(List<Path> files) throws IOException {
        NeedleScan scan = new NeedleScan(needles());
        List<String> hits = new ArrayList<>();
        for (Path f : files) {
            if (Files.isRegularFile(f)) {
                Set<String> found = scan.find(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                if (!found.isEmpty()) {
                    hits.add(f.getFileName() + ": " + found.size() + " secrets, e.g. " + found.iterator().next());
                }
            }
        }
        return hits;
    }

    private Set<String> needles() {
        Set<String> needles = new LinkedHashSet<>();
        planted().forEach(p -> needles.add(p.needle()));
        return needles;
    }
}

package dev.weir.e2e.bad;

import dev.weir.common.kafka.Topics;
import dev.weir.e2e.check.Outcomes;
import dev.weir.e2e.traffic.Intake;
import dev.weir.e2e.traffic.RawTopics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Malformed input sent the two ways it reaches Weir - through the agent's HTTP intake and straight onto the raw
 * topics - and then accounted for, input by input: refused at the intake with a reason, a clean event, or a dead
 * letter with its reason (written by the processor, or by the sink for an event Elasticsearch refused). An input with
 * none of these is lost; one with two is counted twice. Not thread-safe.
 */
public final class BadInputRun {
    /** The verdicts. */
    public static final String REFUSED = "refused at the intake", CLEAN = "clean", DEAD_LETTER = "dead letter",
            SINK_DEAD_LETTER = "dead letter (sink)", LOST = "lost", NOT_SENT = "not answered by the agent";
    private static final Pattern AGENT_ID = Pattern.compile("h-[0-9a-f]{16}-[0-9]+");
    private static final int LINES_PER_BODY = 50;
    private static final int BYTES_PER_BODY = 4 << 20;

    /**
     * What became of one input.
     *
     * @param route   {@code http} or {@code kafka}
     * @param input   the input
     * @param verdict one of the verdicts above; several joined by {@code " + "} when counted twice
     * @param reason  the intake's or the dead letter's reason
     * @param eventId the clean event's id, when there is one
     */
    public record Verdict(String route, BadInput input, String verdict, String reason, String eventId) {
    }

    private final List<BadInput> viaHttp;
    private final List<BadInput> viaKafka;
    private final Map<Integer, String> httpRefused = new HashMap<>();
    private final Map<Integer, String> httpIds = new HashMap<>();
    private final Map<String, Integer> httpByMarkerOrId = new HashMap<>();
    private final Map<String, Integer> kafkaByPosition = new HashMap<>();
    private final Map<String, Integer> kafkaByCleanId = new HashMap<>();

    /**
     * @param viaHttp  inputs for the intake (markers {@code bad-h-<n>})
     * @param viaKafka inputs for the raw topics (markers {@code bad-d-<n>})
     */
    public BadInputRun(List<BadInput> viaHttp, List<BadInput> viaKafka) {
        this.viaHttp = List.copyOf(viaHttp);
        this.viaKafka = List.copyOf(viaKafka);
    }

    /** Sends the inputs: through {@code intake} in NDJSON bodies, then straight onto the raw topics. */
    public void send(Intake intake, RawTopics raw) throws Exception {
        for (List<BadInput> body : bodies(viaHttp)) {
            byte[] bytes = join(body);
            Intake.Answer a = intake.post(body.get(0).request() ? "/v1/requests" : "/v1/logs", bytes, Duration.ofMinutes(5));
            String prefix = "h-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "-";
            for (int line = 1; line <= body.size(); line++) {
                int n = body.get(line - 1).n();
                if (a.status() != 202 && a.status() != 400) {
                    httpRefused.put(n, a.status() == 0 ? NOT_SENT : "HTTP " + a.status() + ": " + a.body());
                } else if (a.rejected().containsKey(line)) {
                    httpRefused.put(n, a.rejected().get(line));
                } else {
                    httpIds.put(n, prefix + line);
                    httpByMarkerOrId.put(prefix + line, n);
                }
            }
        }
        for (BadInput in : viaHttp) {
            httpByMarkerOrId.put("bad-h-" + in.n(), in.n());
        }
        List<RawTopics.Position> positions = raw.send(viaKafka.stream().map(BadInput::bytes).toList(),
                viaKafka.stream().map(BadInput::request).toList(), "badinput");
        for (int i = 0; i < positions.size(); i++) {
            RawTopics.Position p = positions.get(i);
            kafkaByPosition.put(Outcomes.position(p.topic(), p.partition(), p.offset()), viaKafka.get(i).n());
            kafkaByCleanId.put(processorId(p), viaKafka.get(i).n());
        }
    }

    /**
     * @param outcomes what the processor and the sink made of the raw records so far
     * @return the verdict of every input, HTTP first
     */
    public List<Verdict> account(Outcomes outcomes) {
        Map<Integer, List<String[]>> http = new TreeMap<>();
        Map<Integer, List<String[]>> kafka = new TreeMap<>();
        httpRefused.forEach((n, reason) -> add(http, n, NOT_SENT.equals(reason) ? NOT_SENT : REFUSED, reason, null));
        Map<String, String> sinkDeadLetters = new HashMap<>(); // clean position → reason
        for (Outcomes.DeadLetter d : outcomes.deadLetters().values()) {
            String topic = d.sourceTopic();
            if (topic.equals(Topics.LOGS) || topic.equals(Topics.REQUESTS)) {
                sinkDeadLetters.put(d.source(), d.reason());
            } else if (kafkaByPosition.containsKey(d.source())) {
                add(kafka, kafkaByPosition.get(d.source()), DEAD_LETTER, d.reason(), null);
            } else {
                Integer n = httpInput(d.text());
                if (n != null) {
                    add(http, n, DEAD_LETTER, d.reason(), null);
                }
            }
        }
        for (Outcomes.Clean c : outcomes.cleanById().values()) {
            Integer viaHttpN = httpByMarkerOrId.get(c.id());
            Integer viaKafkaN = kafkaByCleanId.get(c.id());
            String sinkReason = sinkDeadLetters.get(Outcomes.position(c.topic(), c.partition(), c.offset()));
            String verdict = sinkReason == null ? CLEAN : SINK_DEAD_LETTER;
            if (viaHttpN != null && c.id().startsWith("h-")) {
                add(http, viaHttpN, verdict, sinkReason, c.id());
            } else if (viaKafkaN != null) {
                add(kafka, viaKafkaN, verdict, sinkReason, c.id());
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (BadInput in : viaHttp) {
            verdicts.add(verdict("http", in, http.get(in.n())));
        }
        for (BadInput in : viaKafka) {
            verdicts.add(verdict("kafka", in, kafka.get(in.n())));
        }
        return verdicts;
    }

    private Integer httpInput(String value) {
        Matcher marker = Pattern.compile("bad-h-([0-9]+)\"").matcher(value);
        if (marker.find()) {
            return Integer.valueOf(marker.group(1));
        }
        Matcher id = AGENT_ID.matcher(value);
        while (id.find()) {
            Integer n = httpByMarkerOrId.get(id.group());
            if (n != null) {
                return n;
            }
        }
        return null;
    }

    private static Verdict verdict(String route, BadInput in, List<String[]> found) {
        if (found == null || found.isEmpty()) {
            return new Verdict(route, in, LOST, null, null);
        }
        return new Verdict(route, in, String.join(" + ", found.stream().map(f -> f[0]).toList()),
                found.size() == 1 ? found.get(0)[1] : String.join(" + ", found.stream().map(f -> String.valueOf(f[1])).toList()),
                found.stream().map(f -> f[2]).filter(java.util.Objects::nonNull).findFirst().orElse(null));
    }

    private static void add(Map<Integer, List<String[]>> to, int n, String verdict, String reason, String eventId) {
        to.computeIfAbsent(n, k -> new ArrayList<>()).add(new String[] {verdict, reason, eventId});
    }

    /** @return the id the processor gives a record without {@code event.id}: 16 bytes of SHA-256 over topic/partition/offset */
    private static String processorId(RawTopics.Position p) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest((p.topic() + "/" + p.partition() + "/" + p.offset())
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /** Bodies of up to 50 lines and 4 MiB, each of one kind (logs or requests), none starting with a JSON array. */
    private static List<List<BadInput>> bodies(List<BadInput> inputs) {
        List<List<BadInput>> bodies = new ArrayList<>();
        for (boolean request : new boolean[] {false, true}) {
            List<BadInput> body = new ArrayList<>();
            long size = 0;
            for (BadInput in : inputs) {
                if (in.request() != request) {
                    continue;
                }
                if (!body.isEmpty() && (body.size() == LINES_PER_BODY || size + in.bytes().length > BYTES_PER_BODY)) {
                    bodies.add(objectFirst(body));
                    body = new ArrayList<>();
                    size = 0;
                }
                body.add(in);
                size += in.bytes().length + 1;
            }
            if (!body.isEmpty()) {
                bodies.add(objectFirst(body));
            }
        }
        return bodies;
    }

    /** A body whose first character is {@code [} is read as one JSON array: put a line that is not an array first. */
    private static List<BadInput> objectFirst(List<BadInput> body) {
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i).bytes().length > 0 && body.get(i).bytes()[0] != '[') {
                List<BadInput> reordered = new ArrayList<>(body);
                reordered.add(0, reordered.remove(i));
                return reordered;
            }
        }
        return body;
    }

    private static byte[] join(List<BadInput> body) {
        int length = 0;
        for (BadInput in : body) {
            length += in.bytes().length + 1;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (BadInput in : body) {
            System.arraycopy(in.bytes(), 0, all, at, in.bytes().length);
            at += in.bytes().length;
            all[at++] = '\n';
        }
        return all;
    }
}

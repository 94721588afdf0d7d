package dev.weir.e2e.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client of the agent's HTTP intake that behaves as its README asks: it sends a body again, the same bytes, when
 * the agent is away or answers 503 (the agent derives the event ids from the body, so a repeat carries the same
 * ids), and reads the answer's per-line verdicts. Thread-safe.
 */
public final class Intake {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

    /**
     * The agent's final answer to a body.
     *
     * @param status   HTTP status (202, 400, 413), or 0 when the agent never answered anything but 503 or errors
     * @param accepted events accepted
     * @param rejected the lines (1-based) refused, with the reason the agent gave
     * @param attempts how many times the body was sent
     * @param body     the answer's text
     */
    public record Answer(int status, int accepted, Map<Integer, String> rejected, int attempts, String body) {
    }

    private final URI agent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param agent the agent's base URL */
    public Intake(URI agent) {
        this.agent = agent;
    }

    /**
     * Posts an NDJSON body until the agent gives an answer other than 503 or {@code giveUp} passes.
     *
     * @param path   {@code /v1/logs} or {@code /v1/requests}
     * @param body   the body
     * @param giveUp how long to keep trying
     * @return the answer
     * @throws InterruptedException when interrupted
     */
    public Answer post(String path, byte[] body, Duration giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + giveUp.toNanos();
        HttpRequest request = HttpRequest.newBuilder(agent.resolve(path)).timeout(Duration.ofSeconds(40))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        int attempts = 0;
        String last = "";
        while (System.nanoTime() < deadline) {
            attempts++;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() != 503 && r.statusCode() < 500) {
                    return answer(r.statusCode(), r.body(), attempts);
                }
            } catch (IOException e) {
                last = e.toString(); // the agent is down or restarting: send the same body again
            }
            Thread.sleep(RETRY_PAUSE.toMillis()); // a client's pause between attempts, not a wait for anything
        }
        return new Answer(0, 0, Map.of(), attempts, last);
    }

    private static Answer answer(int status, String body, int attempts) {
        Map<Integer, String> rejected = new TreeMap<>();
        int accepted = 0;
        try {
            JsonNode n = JSON.readTree(body);
            accepted = n.path("accepted").asInt();
            for (JsonNode e : n.path("errors")) {
                rejected.put(e.path("line").asInt(), e.path("reason").asText());
            }
        } catch (IOException e) {
            rejected.put(0, "unreadable answer: " + body);
        }
        return new Answer(status, accepted, rejected, attempts, body);
    }
}

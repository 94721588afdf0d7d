package dev.weir.processor.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.ops.HttpServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The other instances of this processor, for answers merged over all of them: each is asked with its scheme, this
 * instance's token and a timeout, and its JSON answer read into a type. Thread-safe.
 */
public final class Peers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<KafkaStreams> streams;
    private final HostInfo self;
    private final HttpServerSettings settings;
    private final HttpClient http;

    /**
     * @param streams  the Streams instance, whose metadata lists the instances
     * @param self     this instance as the others reach it, or null for a single instance (then there are no others)
     * @param settings this instance's HTTP settings, which the others share: scheme, token and certificate chain
     */
    public Peers(Supplier<KafkaStreams> streams, HostInfo self, HttpServerSettings settings) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = self;
        this.settings = Objects.requireNonNull(settings, "settings");
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        settings.peerTlsContext().ifPresent(client::sslContext);
        this.http = client.build();
    }

    /** @return the other instances with an HTTP server */
    public List<HostInfo> others() {
        if (self == null) {
            return List.of();
        }
        return streams.get().metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct()
                .filter(h -> !h.equals(self) && h.port() > 0).toList();
    }

    /**
     * @param host a peer
     * @param path path and query, e.g. {@code /api/v1/metrics?scope=local}
     * @param type the answer's type
     * @param <T>  the answer's type
     * @return the peer's answer
     * @throws IOException when it does not answer 200 with such JSON in time
     * @throws InterruptedException when interrupted while waiting
     */
    public <T> T get(HostInfo host, String path, Class<T> type) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((settings.tls() ? "https://" : "http://") + host.host() + ":"
                + host.port() + path)).timeout(TIMEOUT).GET();
        if (settings.token() != null) {
            request.header("Authorization", "Bearer " + settings.token().reveal());
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + host.host() + ":" + host.port() + path);
        }
        return JSON.readValue(r.body(), type);
    }
}

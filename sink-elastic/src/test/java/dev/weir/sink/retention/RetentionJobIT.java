package dev.weir.sink.retention;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.sink.SinkConfig;
import dev.weir.sink.Stack;
import dev.weir.sink.template.TemplateInstaller;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.junit.LocalStackExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class RetentionJobIT {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private final String esUrl;
    private RestClient rest;
    private ElasticsearchClient client;
    private String ns;

    RetentionJobIT(ElasticsearchNode es) {
        this.esUrl = es.httpUrl();
    }

    @BeforeEach
    void connect() throws Exception {
        rest = RestClient.builder(HttpHost.create(esUrl)).build();
        client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        new TemplateInstaller(client).install(SinkConfig.FieldTypes.AUTO);
        ns = "ret" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    @AfterEach
    void close() throws Exception {
        rest.close();
    }

    /** Only this test's data streams, with a rollover age small enough to roll over at once. */
    private RetentionJob job() {
        List<SinkConfig.RetentionClass> classes = new ArrayList<>();
        classes.add(new SinkConfig.RetentionClass("security", List.of("logs-*.security-" + ns), Duration.ofDays(365)));
        classes.add(new SinkConfig.RetentionClass("application", List.of("logs-*-" + ns), Duration.ofDays(30)));
        return new RetentionJob(client, new SinkConfig.Retention(true, Duration.ofHours(1), Duration.ofMillis(1), classes),
                Clock.fixed(NOW, ZoneOffset.UTC), ds -> { });
    }

    private void index(String stream, Instant at) {
        Stack.send(esUrl, "POST", "/" + stream + "/_create/" + at.toEpochMilli() + "?refresh=true",
                "{\"@timestamp\":\"" + at + "\",\"message\":\"m\"}");
    }

    private List<String> backing(String stream) {
        JsonNode r = Stack.send(esUrl, "GET", "/_resolve/index/" + stream, null);
        List<String> out = new ArrayList<>();
        r.path("data_streams").path(0).path("backing_indices").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void shouldDeleteABackingIndexWhoseNewestDocumentIsOlderThanTheRetention() throws Exception {
        String stream = "logs-app-" + ns;
        index(stream, NOW.minus(Duration.ofDays(40)));
        String old = backing(stream).get(0);
        job().runOnce(); // rolls over: the old documents are no longer in the write index
        index(stream, NOW.minus(Duration.ofDays(1)));

        RetentionJob.Report report = job().runOnce();

        assertThat(report.deleted()).contains(old);
        assertThat(backing(stream)).doesNotContain(old);
        assertThat(Stack.count(esUrl, stream)).isEqualTo(1);
    }

    @Test
    void shouldKeepSecurityLogsForAYear() throws Exception {
        String stream = "logs-auth.security-" + ns;
        index(stream, NOW.minus(Duration.ofDays(40)));
        job().runOnce();
        index(stream, NOW.minus(Duration.ofDays(1)));

        RetentionJob.Report report = job().runOnce();

        assertThat(report.deleted()).isEmpty();
        assertThat(Stack.count(esUrl, stream)).isEqualTo(2);
    }

    @Test
    void shouldNeverDeleteTheWriteIndex() throws Exception {
        String stream = "logs-idle-" + ns;
        index(stream, NOW.minus(Duration.ofDays(400)));
        job().runOnce();
        String write = backing(stream).get(backing(stream).size() - 1);

        job().runOnce();

        assertThat(backing(stream)).contains(write);
    }

    @Test
    void shouldRollOverAWriteIndexOlderThanTheRolloverAge() throws Exception {
        String stream = "logs-roll-" + ns;
        index(stream, NOW.minus(Duration.ofDays(2)));

        RetentionJob.Report report = job().runOnce();

        assertThat(report.rolledOver()).containsExactly(stream);
        assertThat(backing(stream)).hasSize(2);
    }
}

package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.IOException;
import java.util.List;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ElasticsearchNodeIT {

    /** A document as indexed and read back. */
    public record Event(String service, String message, int status) {
    }

    private final ElasticsearchNode es;
    private RestClient restClient;
    private ElasticsearchClient client;

    ElasticsearchNodeIT(ElasticsearchNode es) {
        this.es = es;
    }

    @BeforeEach
    void connect() {
        restClient = RestClient.builder(HttpHost.create(es.httpUrl())).build();
        client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @AfterEach
    void disconnect() throws IOException {
        restClient.close();
    }

    @Test
    void shouldFindIndexedDocumentsAfterRefresh() throws IOException {
        client.indices().create(c -> c.index("events-search")
                .mappings(m -> m.properties("service", p -> p.keyword(k -> k))
                        .properties("message", p -> p.text(t -> t))
                        .properties("status", p -> p.integer(i -> i))));
        index("events-search", new Event("checkout", "payment accepted", 200), new Event("checkout", "payment declined", 402),
                new Event("search", "query served", 200));

        SearchResponse<Event> response = client.search(s -> s.index("events-search")
                .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("service").value("checkout")))
                        .must(m -> m.match(t -> t.field("message").query("payment"))))), Event.class);

        assertThat(response.hits().total().value()).isEqualTo(2);
        assertThat(response.hits().hits()).extracting(Hit::source).extracting(Event::status).containsExactlyInAnyOrder(200, 402);
    }

    @Test
    void shouldKeepIndexedDocumentsAcrossStopAndRestart() throws IOException {
        client.indices().create(c -> c.index("events-restart"));
        index("events-restart", new Event("auth", "login failed", 401), new Event("auth", "login ok", 200));
        String before = es.httpUrl();

        es.stop();
        es.restart();

        assertThat(es.httpUrl()).isEqualTo(before);
        assertThat(client.count(c -> c.index("events-restart")).count()).isEqualTo(2);
    }

    private void index(String index, Event... events) throws IOException {
        for (Event event : List.of(events)) {
            client.index(i -> i.index(index).document(event));
        }
        client.indices().refresh(r -> r.index(index));
    }
}

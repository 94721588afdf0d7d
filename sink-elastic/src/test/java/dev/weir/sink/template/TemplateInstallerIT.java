package dev.weir.sink.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.sink.SinkConfig.FieldTypes;
import dev.weir.sink.Stack;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.junit.LocalStackExtension;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class TemplateInstallerIT {
    private final String esUrl;
    private RestClient rest;
    private TemplateInstaller installer;

    TemplateInstallerIT(ElasticsearchNode es) {
        this.esUrl = es.httpUrl();
    }

    @BeforeEach
    void connect() {
        rest = RestClient.builder(HttpHost.create(esUrl)).build();
        installer = new TemplateInstaller(new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper())));
    }

    @AfterEach
    void close() throws Exception {
        rest.close();
    }

    @Test
    void shouldFallBackToBasicFieldTypesOnTheTestDistribution() throws Exception {
        assertThat(installer.install(FieldTypes.AUTO).fieldTypes()).isEqualTo(FieldTypes.BASIC);
    }

    @Test
    void shouldWriteNothingWhenTheTemplatesAreCurrent() throws Exception {
        installer.install(FieldTypes.AUTO);
        assertThat(installer.install(FieldTypes.AUTO).written()).isEmpty();
    }

    @Test
    void shouldFailWhenFullFieldTypesAreDemandedButMissing() {
        // the test distribution lacks both match_only_text and wildcard; Elasticsearch names the first it parses
        assertThatThrownBy(() -> installer.install(FieldTypes.FULL)).isInstanceOf(ElasticsearchException.class)
                .hasMessageContaining("mapper_parsing_exception")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("[match_only_text]", "[wildcard]"));
    }

    @Test
    void shouldCreateADataStreamWithEcsMappingsForTheFirstLogDocument() throws Exception {
        installer.install(FieldTypes.AUTO);
        Stack.send(esUrl, "POST", "/logs-tpl-test/_create/1?refresh=true",
                "{\"@timestamp\":\"2025-01-01T00:00:00Z\",\"source.ip\":\"10.0.0.1\",\"labels\":{\"a.b\":\"x\",\"a\":\"y\"}}");
        JsonNode m = Stack.send(esUrl, "GET", "/logs-tpl-test/_mapping", null);
        JsonNode props = m.elements().next().path("mappings").path("properties");
        assertThat(props.path("source").path("properties").path("ip").path("type").asText()).isEqualTo("ip");
        assertThat(props.path("labels").path("type").asText()).isEqualTo("flattened");
        assertThat(Stack.send(esUrl, "GET", "/_resolve/index/logs-tpl-test", null).path("data_streams").size()).isEqualTo(1);
    }
}

package dev.weir.sink.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the {@code filter_path}-trimmed answer of {@code _bulk}. */
class BulkEndpointTest {

    private static List<BulkEndpoint.Item> parse(String json) throws IOException {
        return BulkEndpoint.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), 2);
    }

    @Test
    void shouldReadTheIndexAndVersionOfACreatedDocument() throws IOException {
        List<BulkEndpoint.Item> items = parse("{\"items\":[{\"create\":{\"_index\":\".ds-logs-a-b-2026.05.01-000001\","
                + "\"_seq_no\":7,\"_primary_term\":1,\"status\":201,\"_shards\":{\"total\":1}}}]}");
        assertThat(items).containsExactly(new BulkEndpoint.Item(201, ".ds-logs-a-b-2026.05.01-000001", 7, 1, null, null));
        assertThat(items.get(0).written()).isTrue();
    }

    @Test
    void shouldReadAnErrorWithItsCauses() throws IOException {
        List<BulkEndpoint.Item> items = parse("{\"took\":3,\"errors\":true,\"items\":[{\"create\":{\"_index\":\"i\",\"status\":400,"
                + "\"error\":{\"type\":\"document_parsing_exception\",\"reason\":\"failed to parse field [source.ip]\","
                + "\"caused_by\":{\"type\":\"illegal_argument_exception\",\"reason\":\"'x' is not an IP string literal.\"}}}},"
                + "{\"create\":{\"_index\":\"i\",\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\","
                + "\"reason\":\"exists\"}}}]}");
        assertThat(items.get(0).errorType()).isEqualTo("document_parsing_exception");
        assertThat(items.get(0).errorReason()).isEqualTo("failed to parse field [source.ip]; caused by "
                + "illegal_argument_exception: 'x' is not an IP string literal.");
        assertThat(items.get(1).status()).isEqualTo(409);
        assertThat(items.get(1).seqNo()).isEqualTo(-1);
    }

    @Test
    void shouldReadNoItemsFromAnEmptyAnswer() throws IOException {
        assertThat(parse("{}")).isEmpty();
    }

    @Test
    void shouldRefuseAnAnswerThatIsNotAnObject() {
        assertThatThrownBy(() -> parse("[]")).isInstanceOf(IOException.class).hasMessageContaining("_bulk");
    }
}

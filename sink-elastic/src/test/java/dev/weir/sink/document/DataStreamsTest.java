package dev.weir.sink.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataStreamsTest {
    private final DataStreams streams = new DataStreams("default", List.of("authentication", "iam"));

    @Test
    void shouldReplaceCharactersThatDataStreamNamesDoNotAllow() {
        assertThat(streams.logDataset("Shop-API.v2", null, List.of())).isEqualTo("shop_api_v2");
    }

    @Test
    void shouldNotLetAServiceNameForgeTheSecuritySuffix() {
        assertThat(streams.logDataset("x.security", null, List.of())).isEqualTo("x_security");
    }

    @Test
    void shouldRouteAuditTaggedLogsToTheSecurityDataset() {
        assertThat(streams.logDataset("billing", null, List.of("Audit"))).isEqualTo("billing.security");
    }

    @Test
    void shouldUseTheDefaultNamespaceWithoutEnvironment() {
        assertThat(streams.namespace(null)).isEqualTo("default");
        assertThat(streams.namespace("Prod EU")).isEqualTo("prod_eu");
    }

    @Test
    void shouldCutVeryLongServiceNames() {
        assertThat(streams.logDataset("a".repeat(500), null, List.of())).hasSize(80);
    }
}

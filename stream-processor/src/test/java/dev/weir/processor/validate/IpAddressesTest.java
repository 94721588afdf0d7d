package dev.weir.processor.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Elasticsearch 8.19's {@code ip} field type took and refused, tried on the real node. */
class IpAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.7", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::1", "::ffff:1.2.3.4",
        "fe80::1%eth0", "1:2:3:4:5:6:7:8", "1::", "1:2:3:4:5:6::8", "2001:DB8::AbCd"})
    void shouldTakeWhatElasticsearchTakes(String ip) {
        assertThat(IpAddresses.isLiteral(ip)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "not-an-ip", "010.1.1.1", " 1.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ",
        "example.com", "1:2:3:4:5:6:7:8:9", "1:::2", ":1", "1:", "1::2::3", "12345::", "::g", "fe80::1%", "", "1..2.3"})
    void shouldRefuseWhatElasticsearchRefuses(String ip) {
        assertThat(IpAddresses.isLiteral(ip)).isFalse();
    }
}

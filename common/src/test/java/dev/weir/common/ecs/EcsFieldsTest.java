package dev.weir.common.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EcsFieldsTest {
    @Test
    void shouldKnowTheFieldsTheIssuesNameWithTheirEcsTypes() {
        assertThat(EcsFields.get("process.pid").type()).isEqualTo("long");
        assertThat(EcsFields.get("process.name").kind()).isEqualTo(EcsFields.Kind.STRING);
        assertThat(EcsFields.get("log.syslog.severity.code").type()).isEqualTo("long");
        assertThat(EcsFields.get("log.syslog.hostname").type()).isEqualTo("keyword");
        assertThat(EcsFields.get("event.dataset").type()).isEqualTo("keyword");
        assertThat(EcsFields.get("event.created").kind()).isEqualTo(EcsFields.Kind.DATE);
        assertThat(EcsFields.get("host.ip").kind()).isEqualTo(EcsFields.Kind.IP);
        assertThat(EcsFields.get("user_agent.os.name").type()).isEqualTo("keyword");
        assertThat(EcsFields.get("url.original").type()).isEqualTo("wildcard");
        assertThat(EcsFields.get("observer.hostname").type()).isEqualTo("keyword");
        assertThat(EcsFields.get("tls.established").kind()).isEqualTo(EcsFields.Kind.BOOLEAN);
        assertThat(EcsFields.get("event.risk_score").kind()).isEqualTo(EcsFields.Kind.DOUBLE);
    }

    @Test
    void shouldLeaveFieldsEcsDoesNotDefineAndWhatWeirSetsItselfOut() {
        assertThat(EcsFields.get("orderId")).isNull();
        assertThat(EcsFields.get("ssh.method")).isNull();
        assertThat(EcsFields.get("ecs.version")).isNull();
        assertThat(EcsFields.get("data_stream.dataset")).isNull();
        assertThat(EcsFields.get("event.ingested")).isNull();
        assertThat(EcsFields.get("labels")).isNull();
    }

    @Test
    void shouldNeverHaveAFieldWhereAnotherHasAnObjectForElasticsearchCannotMapBoth() {
        Map<String, EcsFields.Field> all = EcsFields.all();
        List<String> clashes = new ArrayList<>();
        for (String name : all.keySet()) {
            for (String other : all.keySet()) {
                if (other.startsWith(name + ".")) {
                    clashes.add(name + " / " + other);
                }
            }
        }
        assertThat(clashes).isEmpty();
        assertThat(all).hasSizeGreaterThan(400);
    }
}

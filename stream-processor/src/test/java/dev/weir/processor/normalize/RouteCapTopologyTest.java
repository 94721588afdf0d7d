package dev.weir.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.route.RouteCardinality;
import dev.weir.processor.route.RouteSettings;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCapTopologyTest {
    @TempDir
    Path stateDir;
    NormalizeDriver d;

    @BeforeEach
    void setUp() {
        NormalizeSettings s = NormalizeSettings.DEFAULTS;
        d = new NormalizeDriver(new NormalizeSettings(s.limits(), new RouteSettings(2, Set.of("POST /login")), s.redaction(),
                s.fingerprint()), stateDir);
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private void request(String service, String path) {
        d.request("{\"@timestamp\":\"2025-03-14T09:26:53Z\",\"service\":\"" + service + "\",\"method\":\"GET\",\"path\":\""
                + path + "\",\"status\":200}");
    }

    @Test
    void shouldReportNewRoutesBeyondTheCapAsOverflowBucket() {
        request("a", "/one");
        request("a", "/two");
        request("a", "/three");
        assertThat(d.requests.readValuesToList()).extracting(RequestEvent::getRoute)
                .containsExactly("/one", "/two", RouteCardinality.OVERFLOW);
    }

    @Test
    void shouldKeepKnownRoutesOnceTheCapIsReached() {
        request("a", "/one");
        request("a", "/two");
        request("a", "/three");
        request("a", "/one");
        assertThat(d.requests.readValuesToList()).extracting(RequestEvent::getRoute).last().isEqualTo("/one");
    }

    @Test
    void shouldCountTemplatedRoutesNotRawPaths() {
        for (int i = 0; i < 50; i++) {
            request("a", "/users/" + i);
        }
        assertThat(d.requests.readValuesToList()).extracting(RequestEvent::getRoute).containsOnly("/users/{id}");
    }

    @Test
    void shouldCapEachServiceSeparately() {
        request("a", "/one");
        request("a", "/two");
        request("b", "/three");
        assertThat(d.requests.readValuesToList()).extracting(RequestEvent::getRoute).last().isEqualTo("/three");
    }
}

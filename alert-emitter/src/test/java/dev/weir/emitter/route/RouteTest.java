package dev.weir.emitter.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.config.AlertmanagerConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTest {
    private static final String CONFIG = """
            route:
              receiver: default
              group_by: [alertname]
              routes:
                - matchers: ['severity=~"critical|page"', 'team!="db"']
                  receiver: pager
                  continue: true
                - matchers: ['service!~"batch-.*"']
                  receiver: slack
                  group_by: [alertname, service]
                  routes:
                    - match: {env: staging}
                      receiver: staging
            receivers:
              - name: default
              - name: pager
              - name: slack
              - name: staging
            """;

    private static List<String> receivers(Map<String, String> labels) {
        Route root = Route.tree(AlertmanagerConfigLoader.parse(CONFIG, Map.of(), "t").route());
        return root.match(labels).stream().map(Route::receiver).toList();
    }

    @Test
    void continueSendsAnAlertToLaterSiblingsToo() {
        assertThat(receivers(Map.of("severity", "critical", "service", "api"))).containsExactly("pager", "slack");
    }

    @Test
    void notEqualMatcherExcludesTheLabelValue() {
        assertThat(receivers(Map.of("severity", "critical", "team", "db", "service", "api"))).containsExactly("slack");
    }

    @Test
    void negativeRegexMatcherIsAnchored() {
        assertThat(receivers(Map.of("service", "batch-nightly"))).containsExactly("default");
        assertThat(receivers(Map.of("service", "x-batch-nightly"))).containsExactly("slack");
    }

    @Test
    void nestedRouteInheritsGroupByFromItsParent() {
        Route root = Route.tree(AlertmanagerConfigLoader.parse(CONFIG, Map.of(), "t").route());
        Route staging = root.match(Map.of("service", "api", "env", "staging")).get(0);
        assertThat(staging.receiver()).isEqualTo("staging");
        assertThat(staging.groupBy()).containsExactlyInAnyOrder("alertname", "service");
    }

    @Test
    void missingLabelMatchesAsEmptyString() {
        assertThat(Matcher.parse("m", "team=\"\"").matches(Map.of())).isTrue();
        assertThat(Matcher.parse("m", "team!=\"\"").matches(Map.of())).isFalse();
    }

    @Test
    void groupKeyNamesRouteAndGroupLabels() {
        Route root = Route.tree(AlertmanagerConfigLoader.parse(CONFIG, Map.of(), "t").route());
        Route slack = root.match(Map.of("alertname", "A", "service", "api", "pod", "1")).get(0);
        assertThat(slack.groupKey(slack.groupLabels(Map.of("alertname", "A", "service", "api", "pod", "1"))))
                .isEqualTo("{}/{service!~\"batch-.*\"}:{alertname=\"A\", service=\"api\"}");
    }
}

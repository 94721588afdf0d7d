package dev.weir.sink;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.serde.WeirSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Configurations and record sets the integration tests share. */
final class SinkFixtures {
    private SinkFixtures() {
    }

    /** A unique lower-case namespace, so each test has data streams of its own. */
    static String namespace(String prefix) {
        return (prefix + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
    }

    /** Small batches and short backoffs, so that a few thousand records make many batches. */
    static SinkConfig config(String bootstrap, String esUrl, String group) {
        SinkConfig base = SinkConfig.defaults(bootstrap, esUrl).withHttpPort(0);
        return base.withKafka(new SinkConfig.Kafka(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, Topics.DEADLETTER, 500))
                .withBulk(new SinkConfig.Bulk(200, 512 * 1024, Duration.ofMillis(100), 2, Duration.ofMillis(50),
                        Duration.ofSeconds(1), 3))
                .withRetention(new SinkConfig.Retention(false, Duration.ofHours(1), Duration.ofDays(1),
                        SinkConfig.defaultRetentionClasses()));
    }

    /** {@code logs} log events of service {@code svc}, {@code requests} request events, and alerts: 2 per fingerprint. */
    static List<ProducerRecord<byte[], byte[]>> events(String ns, int logs, int requests, int alertFingerprints) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < logs; i++) {
            out.add(new ProducerRecord<>(Topics.LOGS, "svc".getBytes(), WeirSerdes.logEvent().serialize(Topics.LOGS,
                    Events.log(ns + "-log-" + i, "svc", ns, now.minusMillis(i)))));
        }
        for (int i = 0; i < requests; i++) {
            out.add(new ProducerRecord<>(Topics.REQUESTS, "svc".getBytes(), WeirSerdes.requestEvent().serialize(Topics.REQUESTS,
                    Events.request(ns + "-req-" + i, "svc", ns, now.minusMillis(i)))));
        }
        for (int i = 0; i < alertFingerprints; i++) {
            Instant start = now.minusSeconds(600);
            String fp = "fp" + ns + i;
            out.add(new ProducerRecord<>(Topics.ALERTS, fp.getBytes(), WeirSerdes.alertEvent().serialize(Topics.ALERTS,
                    Events.alert(fp, AlertStatus.FIRING, start, start))));
            out.add(new ProducerRecord<>(Topics.ALERTS, fp.getBytes(), WeirSerdes.alertEvent().serialize(Topics.ALERTS,
                    Events.alert(fp, AlertStatus.RESOLVED, start, now))));
        }
        return out;
    }

    /** Documents of namespace {@code ns} in the log, access and alert data streams. */
    static long documents(String esUrl, String ns) {
        return Stack.count(esUrl, "logs-svc-" + ns) + Stack.count(esUrl, "logs-svc.access-" + ns)
                + Stack.count(esUrl, "weir-alerts", "weir.alert.fingerprint:fp" + ns + "*");
    }
}

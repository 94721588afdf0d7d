package dev.weir.processor.rules.bench;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.ProcessorTopology;
import dev.weir.processor.Topic;
import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.normalize.NormalizeSettings;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.serde.WeirSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Alert latency: from producing the crossing event (a raw JSON request to {@code weir.raw.requests}) to the
 * FIRING AlertEvent readable (read_committed) on {@code weir.alerts}, with the processor's topology
 * ({@link ProcessorTopology}) running in Kafka Streams under exactly_once_v2 with a 100 ms commit interval. One alert at a time, each on
 * a new service, so each measures an idle pipeline's reaction rather than a queue.
 *
 * <pre>java -cp ... dev.weir.processor.rules.bench.AlertLatencyBenchmark HOST:PORT [ALERTS=200]</pre>
 *
 * Prints median, p99 and max in milliseconds. Uses fresh topics ({@code bench-<uuid>.*}).
 */
public final class AlertLatencyBenchmark {
    /**
     * Median, p99 and max latency.
     *
     * @param alerts  alerts measured
     * @param median  median in ms
     * @param p99     99th percentile in ms
     * @param max     maximum in ms
     */
    public record Result(int alerts, double median, double p99, double max) {
        @Override
        public String toString() {
            return String.format("alerts=%d median=%.1fms p99=%.1fms max=%.1fms", alerts, median, p99, max);
        }
    }

    private static final int PARTITIONS = 3;

    private AlertLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: AlertLatencyBenchmark BOOTSTRAP_SERVERS [ALERTS]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        System.out.println(run(args[0], n, Files.createTempDirectory("weir-alert-bench")));
    }

    /**
     * @param bootstrapServers Kafka
     * @param alerts           how many alerts to measure (≥ 100 for a meaningful p99)
     * @param stateDir         Kafka Streams state directory
     * @return the figures
     * @throws Exception when Kafka fails or an alert does not arrive within 30 s
     */
    public static Result run(String bootstrapServers, int alerts, Path stateDir) throws Exception {
        ProcessorTopics topics = ProcessorTopics.prefixed("bench-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> created = new ArrayList<>();
            for (Topic<?, ?> t : List.of(topics.rawLogs(), topics.rawRequests(), topics.logs(), topics.requests(),
                    topics.deadLetters(), topics.errors(), topics.latency(), topics.logins(), topics.alerts())) {
                created.add(new NewTopic(t.name(), PARTITIONS, (short) 1));
            }
            created.add(new NewTopic(topics.rules().name(), 1, (short) 1));
            admin.createTopics(created).all().get();
        }
        RuleSet rules = RuleSet.parse(Map.of("bench.yml", """
                rules:
                  - alert: AnyServerError
                    signal: error_ratio
                    window: 1m
                    threshold: 0.5
                    severity: critical
                """));
        ProcessorTopology.Settings settings = new ProcessorTopology.Settings(NormalizeSettings.DEFAULTS, MeasureSettings.defaults(),
                RulesSettings.of(rules), PARTITIONS, OutputLimits.defaults());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "weir-alert-bench-" + UUID.randomUUID());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        try (KafkaStreams streams = new KafkaStreams(new ProcessorTopology(settings, topics,
                new SimpleMeterRegistry(), Clock.systemUTC()).build(), p)) {
            CountDownLatch running = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within 60 s");
            }
            Map<String, Object> pp = KafkaClients.producer(bootstrapServers, "alert-bench");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            Map<String, Object> cp = KafkaClients.consumer(bootstrapServers, "alert-bench-" + UUID.randomUUID());
            cp.put("auto.offset.reset", "latest");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
                 KafkaConsumer<String, AlertEvent> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                         WeirSerdes.alertEvent().deserializer())) {
                consumer.subscribe(List.of(topics.alerts().name()));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                consumer.seekToEnd(consumer.assignment());
                consumer.assignment().forEach(consumer::position);
                // warm-up: the first transaction and RocksDB open cost more than a steady state
                for (int i = 0; i < 5; i++) {
                    measure(producer, consumer, topics, "warmup-" + i);
                }
                List<Double> latencies = new ArrayList<>();
                for (int i = 0; i < alerts; i++) {
                    latencies.add(measure(producer, consumer, topics, "svc-" + i));
                }
                Collections.sort(latencies);
                return new Result(alerts, latencies.get(latencies.size() / 2),
                        latencies.get((int) Math.ceil(0.99 * latencies.size()) - 1), latencies.get(latencies.size() - 1));
            }
        }
    }

    private static double measure(KafkaProducer<String, String> producer, KafkaConsumer<String, AlertEvent> consumer,
                                  ProcessorTopics topics, String service) throws Exception {
        String json = "{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service
                + "\",\"method\":\"GET\",\"path\":\"/\",\"status\":500,\"duration_ms\":5.0}";
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(topics.rawRequests().name(), service, json));
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(5))) {
                if (r.value().getStatus() == AlertStatus.FIRING && service.equals(r.value().getLabels().get("service"))) {
                    return (System.nanoTime() - start) / 1e6;
                }
            }
        }
        throw new IllegalStateException("No FIRING alert for " + service + " within 30 s");
    }
}

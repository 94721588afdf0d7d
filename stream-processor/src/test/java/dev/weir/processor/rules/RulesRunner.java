package dev.weir.processor.rules;

import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.ProcessorTopology;
import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.normalize.NormalizeSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the processor's topology in its own JVM until killed, so {@link RulesIT} can kill -9 a real
 * instance. Args: bootstrap servers, application id, state dir, topic prefix, rule file, raw partitions.
 */
public final class RulesRunner {
    private RulesRunner() {
    }

    public static void main(String[] args) throws Exception {
        RulesSettings rules = RulesSettings.of(RuleSet.load(Path.of(args[4]))).withEvaluationInterval(Duration.ofMillis(200));
        ProcessorTopology.Settings settings = new ProcessorTopology.Settings(NormalizeSettings.DEFAULTS, MeasureSettings.defaults(),
                rules, Integer.parseInt(args[5]), OutputLimits.defaults());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        KafkaStreams streams = new KafkaStreams(new ProcessorTopology(settings, ProcessorTopics.prefixed(args[3]),
                new SimpleMeterRegistry(), Clock.systemUTC()).build(), p);
        streams.setStateListener((now, before) -> System.out.println("STATE " + now));
        streams.start();
        Thread.currentThread().join();
    }
}

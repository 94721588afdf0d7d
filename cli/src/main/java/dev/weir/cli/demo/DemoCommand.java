package dev.weir.cli.demo;

import dev.weir.common.command.KafkaOptions;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir demo}: realistic traffic with an error spike, a latency regression and a login burst. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Produce demo logs and request events for a few services to Kafka.")
public final class DemoCommand implements Runnable {
    @picocli.CommandLine.Mixin
    KafkaOptions kafka;

    @picocli.CommandLine.Mixin
    DemoOptions demo;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        demo.validate();
        Map<String, Object> props = KafkaClients.producer(kafka.kafka(), "weir-demo");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            DemoTraffic traffic = new DemoTraffic(Topics.RAW_LOGS, Topics.RAW_REQUESTS, Clock.systemUTC(), new Random(seed), demo.cycle());
            DemoRunner runner = new DemoRunner(traffic, producer, demo.rate(), demo.duration());
            Thread hook = new Thread(() -> runner.stopAndWait(Duration.ofSeconds(10)), "weir-demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            runner.run();
            System.out.printf("demo: sent %,d events, %,d failed%n", runner.sent(), runner.failed());
        }
    }
}

package dev.weir.agent.bench;

import dev.weir.stack.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@link AgentBenchmark} against a broker of the local stack started for the purpose:
 * {@code java -cp <test classpath> dev.weir.agent.bench.LocalBenchmark [lines]}.
 */
public final class LocalBenchmark {
    private LocalBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("weir-agent-bench");
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"))) {
            System.out.println(AgentBenchmark.run(kafka.bootstrapServers(), args.length > 0 ? Integer.parseInt(args[0]) : 500_000, dir));
        }
    }
}

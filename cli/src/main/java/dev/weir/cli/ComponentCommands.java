package dev.weir.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code weir agent|processor|sink|emitter}: each runs one component in this process with
 * the component's own command line (see {@code --help} of each).
 */
final class ComponentCommands {
    private ComponentCommands() {}

    @Command(name = "agent", description = "Run the producer agent (files, HTTP intake, stdin → Kafka).")
    static final class Agent implements Runnable {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public void run() {
            dev.weir.agent.AgentApp.main(args.toArray(String[]::new));
        }
    }

    @Command(name = "processor", description = "Run the stream processor (normalise, measure, alert).")
    static final class Processor implements Runnable {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public void run() {
            dev.weir.processor.ProcessorApp.main(args.toArray(String[]::new));
        }
    }

    @Command(name = "sink", description = "Run the Elasticsearch sink.")
    static final class Sink implements Runnable {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public void run() {
            dev.weir.sink.SinkApp.main(args.toArray(String[]::new));
        }
    }

    @Command(name = "emitter", description = "Run the alert emitter (routing and delivery).")
    static final class Emitter implements Runnable {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public void run() {
            dev.weir.emitter.EmitterApp.main(args.toArray(String[]::new));
        }
    }
}

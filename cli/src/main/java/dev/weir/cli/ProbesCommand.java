package dev.weir.cli;

import dev.weir.agent.probe.ProbeException;
import dev.weir.agent.probe.ProbeSet;
import dev.weir.agent.probe.ProbesPublisher;
import dev.weir.common.command.KafkaOptions;
import dev.weir.common.kafka.Topics;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weir probes check|apply DIR}: validate health probes, and publish them to the agents that run probes. */
@Command(name = "probes", mixinStandardHelpOptions = true, description = "Validate and publish health probes.",
        subcommands = {ProbesCommand.Check.class, ProbesCommand.Apply.class})
final class ProbesCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a probe file or directory without publishing.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "PATH", description = "A probes YAML file or a directory of them.")
        Path path;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                ProbeSet probes = ProbeSet.load(path);
                spec.commandLine().getOut().println(path + ": " + probes.probes().size() + " probes, valid");
                return 0;
            } catch (ProbeException | UncheckedIOException e) {
                spec.commandLine().getErr().println("weir: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Validate a probes directory and publish it to the compacted topic weir.probes; agents with probes enabled run them.")
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The probes directory (or one file).")
        Path dir;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", defaultValue = Topics.PROBES, description = "The probes topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                ProbesPublisher.Result result = ProbesPublisher.apply(dir, kafka.kafka(), topic);
                spec.commandLine().getOut().printf("published %d probes from %s: %s; removed %s%n",
                        result.published().size(), dir, result.published(), result.deleted());
                return 0;
            } catch (ProbeException | UncheckedIOException e) {
                spec.commandLine().getErr().println("weir: " + e.getMessage());
                return 2;
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("weir: " + e.getMessage());
                return 1;
            }
        }
    }
}

package dev.weir.cli;

import dev.weir.common.command.KafkaOptions;
import dev.weir.processor.rules.RuleException;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesPublisher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weir rules check|apply DIR}: validate alert rules, and publish them to every processor. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Validate and publish alert rules.",
        subcommands = {RulesCommand.Check.class, RulesCommand.Apply.class})
final class RulesCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a rule file or directory without publishing.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "PATH", description = "A rules YAML file or a directory of them.")
        Path path;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                RuleSet rules = RuleSet.load(path);
                spec.commandLine().getOut().println(path + ": " + rules.rules().size() + " rules, valid");
                return 0;
            } catch (RuleException e) {
                spec.commandLine().getErr().println("weir: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Validate a rules directory and publish it to the compacted topic weir.rules; every processor reloads it.")
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The rules directory.")
        Path dir;

        @Mixin
        KafkaOptions kafka;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                RulesPublisher.Result result = RulesPublisher.apply(dir, kafka.kafka());
                spec.commandLine().getOut().printf("published %d rules from %s; files published %s, removed %s%n",
                        result.rules(), dir, result.published(), result.deleted());
                return 0;
            } catch (RuleException e) {
                spec.commandLine().getErr().println("weir: " + e.getMessage());
                return 2;
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("weir: " + e.getMessage());
                return 1;
            }
        }
    }
}

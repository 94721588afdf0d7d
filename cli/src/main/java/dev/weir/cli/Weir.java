package dev.weir.cli;

import dev.weir.cli.demo.DemoCommand;
import dev.weir.cli.up.UpCommand;
import dev.weir.agent.AgentCommand;
import dev.weir.common.command.Commands;
import dev.weir.emitter.EmitterCommand;
import dev.weir.processor.ProcessorCommand;
import dev.weir.sink.SinkCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weir} command: one subcommand per component, the demo and {@code weir up}. */
@Command(name = "weir", mixinStandardHelpOptions = true, versionProvider = Weir.Version.class,
        description = "Weir: logs and request events off Kafka into search, metrics and alerts.",
        subcommands = {UpCommand.class, DemoCommand.class, AgentCommand.class, ProcessorCommand.class, SinkCommand.class,
            EmitterCommand.class, ConsoleCommand.class, RulesCommand.class, ProbesCommand.class, CommandLine.HelpCommand.class})
public final class Weir implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns the exit code; a wrong option or a configuration error prints one line and
     * gives 2.
     */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, writing to the given streams (tests capture them). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = Commands.of(new Weir());
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"weir " + dev.weir.common.ops.OpsServer.VERSION};
        }
    }
}

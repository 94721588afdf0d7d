package dev.weir.cli;

import dev.weir.cli.demo.DemoCommand;
import dev.weir.cli.up.UpCommand;
import dev.weir.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weir} command: one subcommand per component, the demo and {@code weir up}. */
@Command(name = "weir", mixinStandardHelpOptions = true, versionProvider = Weir.Version.class,
        description = "Weir: logs and request events off Kafka into search, metrics and alerts.",
        subcommands = {UpCommand.class, DemoCommand.class, ComponentCommands.Agent.class,
            ComponentCommands.Processor.class, ComponentCommands.Sink.class, ComponentCommands.Emitter.class, ConsoleCommand.class,
            RulesCommand.class, ProbesCommand.class,
            CommandLine.HelpCommand.class})
public final class Weir implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code; configuration errors print one line and give 2. */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, writing to the given streams (tests capture them). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Weir());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("weir: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
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

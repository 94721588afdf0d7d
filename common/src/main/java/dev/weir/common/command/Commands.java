package dev.weir.common.command;

import dev.weir.common.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How every Weir command line behaves on bad input: a wrong option ({@code --port abc}, an
 * unknown option, a missing value) or a configuration error prints one line naming it on
 * standard error and gives exit status 2; nothing on the command line is silently ignored.
 */
public final class Commands {
    /** Exit status of a configuration or command-line error. */
    public static final int CONFIG_ERROR = 2;

    private Commands() {}

    /**
     * @param command a picocli {@code @Command} object
     * @return a command line configured with Weir's error handling
     */
    public static CommandLine of(Object command) {
        CommandLine cli = new CommandLine(command);
        configure(cli);
        return cli;
    }

    /**
     * Applies Weir's error handling to a command line and its subcommands.
     *
     * @param cli the command line
     */
    public static void configure(CommandLine cli) {
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": " + ex.getMessage().replace('\n', ' ')
                    + " (see --help)");
            return CONFIG_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
                commandLine.getErr().println(ex.getMessage());
                return CONFIG_ERROR;
            }
            throw ex;
        });
    }

    /**
     * Runs a command with Weir's error handling.
     *
     * @param command a picocli {@code @Command} object
     * @param args    the command line
     * @return the exit status
     */
    public static int execute(Object command, String... args) {
        return of(command).execute(args);
    }
}

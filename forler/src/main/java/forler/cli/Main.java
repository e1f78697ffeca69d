package forler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/forler}: every job of the project as a subcommand. */
@Command(name = "forler", mixinStandardHelpOptions = true, version = "forler 0.1.0",
        description = "FORLER in Java: federated offline RL with Q-ensemble and actor rectification.",
        subcommands = {RunCommand.class, ExperimentCommand.class, TrainCommand.class, TasksCommand.class, DatasetCommand.class,
                SacCommand.class, DistillCommand.class, BehaviourCommand.class, ServerCommand.class, DeviceCommand.class, CertsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // Bad input is reported in one line naming what was wrong; unexpected failures keep their stack trace.
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException || e instanceof IllegalStateException
                    || e instanceof UnsupportedOperationException) {
                cmd.getErr().println("forler " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}

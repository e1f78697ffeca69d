package forler.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code bin/forler}: every job of the project as a subcommand. */
@Command(name = "forler", mixinStandardHelpOptions = true, version = "forler 0.1.0",
        description = "FORLER in Java: federated offline RL with Q-ensemble and actor rectification.",
        subcommands = {RunCommand.class, ExperimentCommand.class, ReportCommand.class, TrainCommand.class, TasksCommand.class, DatasetCommand.class,
                SacCommand.class, DistillCommand.class, BehaviourCommand.class, ExportCommand.class, InspectCommand.class, ServerCommand.class, DeviceCommand.class, CertsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code of every expected failure: a bad flag, a bad or missing file, a refused output folder, no memory for a size asked for. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "On an error, print its stack trace too.")
    boolean debug;

    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line and returns its exit code. Expected failures are one line on {@code err} naming the flag
     * or file and what to do, exit code {@link #BAD_INPUT}; their stack trace only with {@code --debug}. Anything else
     * (a bug) keeps its stack trace.
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            // One line, not the whole usage text: what was wrong, and where the flags are listed.
            String cmd = e.getCommandLine().getCommandSpec().qualifiedName();
            e.getCommandLine().getErr().println(cmd + ": " + e.getMessage() + " (see `" + cmd + " --help`)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable expected = expected(e);
            if (expected == null) throw e;
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(expected));
            if (debug) e.printStackTrace(cmd.getErr());
            return BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) { // a size the user asked for (--hidden, --size, --batch...) does not fit the heap
            CommandLine.ParseResult p = cli.getParseResult();
            String cmd = p != null && p.subcommand() != null ? "forler " + p.subcommand().commandSpec().name() : "forler";
            err.printf("%s: out of memory (Java heap at most %d MiB): lower --hidden, --batch, --size or --devices, "
                    + "or give Java more with FORLER_JAVA_OPTS=-Xmx<size>%n", cmd, Runtime.getRuntime().maxMemory() >> 20);
            if (debug) e.printStackTrace(err);
            err.flush();
            return BAD_INPUT;
        }
    }

    /** The expected failure in {@code e} or its causes (a worker thread's failure arrives wrapped), else null. */
    static Throwable expected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException || t instanceof IOException
                    || t instanceof UnsupportedOperationException) {
                return t;
            }
            if (t instanceof UncheckedIOException u) return u.getCause();
            if (t.getCause() == t) break;
        }
        return null;
    }

    /** A file-system failure says what happened to which path; anything else is its message. */
    static String describe(Throwable t) {
        if (t instanceof NoSuchFileException f) return "no such file or folder: " + f.getFile();
        if (t instanceof AccessDeniedException f) return "permission denied: " + f.getFile() + " (choose a path you can write, e.g. under runs/)";
        if (t instanceof FileAlreadyExistsException f) return "already exists: " + f.getFile();
        if (t instanceof NotDirectoryException f) return "not a folder: " + f.getFile();
        if (t instanceof FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}

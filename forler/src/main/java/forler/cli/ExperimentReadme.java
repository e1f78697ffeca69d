package forler.cli;

import forler.fed.Experiments;
import forler.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * An experiment folder's {@code README.md}: the command that made it, when, on what machine, from which code, and
 * every setting, so a results folder says how to make it again. {@code --shard} is left out of the command (every
 * shard runs the same sweep) and said once.
 */
final class ExperimentReadme {
    private ExperimentReadme() {}

    /** The README of an experiment run by {@code forler experiment} with {@code args} (its flags after the id). */
    static void write(Path dir, String id, List<String> args, Map<String, String> settings, int shards) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("forler", "experiment"));
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--shard")) i++;
            else if (!args.get(i).startsWith("--shard=")) cmd.add(args.get(i));
        }
        String command = "`" + String.join(" ", cmd) + "`"
                + (shards > 1 ? " as " + shards + " shards (`--shard i/" + shards + "`, i = 1 … " + shards + ")" : "");
        write(dir, id, command, "", settings);
    }

    /**
     * The README of an experiment whose runs {@code forler report --copy-to} copied from {@code from}: the command,
     * machine and code version that made them were not recorded; the settings are those every run's rounds.json records.
     */
    static void writeCopied(Path dir, String id, Path from, Map<String, String> settings) throws IOException {
        write(dir, id, "`forler experiment " + id + "` (its flags were not recorded: see the settings below)",
                "- runs copied from " + from + " by `forler report --copy-to` (the date, machine and code version below are the copy's)\n", settings);
    }

    private static void write(Path dir, String id, String command, String note, Map<String, String> settings) throws IOException {
        StringBuilder b = new StringBuilder("# ").append(id.toUpperCase(Locale.ROOT)).append(": ").append(Experiments.title(id)).append("\n\n");
        b.append("- command: ").append(command).append('\n').append(note);
        b.append("- date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        b.append("- machine: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Java ").append(System.getProperty("java.version")).append('\n');
        b.append("- code version: ").append(codeVersion()).append('\n');
        b.append("- summary: `forler report ").append(dir).append("` writes summary.md, summary.csv/json and the plots from the runs' logs\n\n");
        b.append("| setting | value |\n|---|---|\n");
        settings.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        AtomicFiles.writeString(dir.resolve("README.md"), b.toString());
    }

    /** {@code FORLER_CODE_VERSION} (set in the container image), else {@code git describe --always --dirty} of the working folder, else the jar's version. */
    static String codeVersion() {
        String env = System.getenv("FORLER_CODE_VERSION");
        if (env != null && !env.isBlank()) return env;
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !v.isEmpty()) return v + " (git describe)";
        } catch (IOException e) { // no git: the jar's version
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.class.getAnnotation(Command.class).version()[0];
    }
}

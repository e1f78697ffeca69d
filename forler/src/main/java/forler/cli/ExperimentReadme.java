package forler.cli;

import forler.fed.Experiments;
import forler.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * shard runs the same sweep) and said once. Written again by every command run into the folder (a {@code --resume}, a
 * part given by {@code --variants}); the sections that follow the settings table ({@code ## } headings: notes a user
 * added) are kept, and {@value #LOG} lists every such command with its date, machine and code version, so a run made
 * in parts over several sessions says which code ran which part.
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

    /** The heading of the list of every command run into the folder. */
    static final String LOG = "## Commands run into this folder";

    private static void write(Path dir, String id, String command, String note, Map<String, String> settings) throws IOException {
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), version = codeVersion();
        String machine = System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version");
        StringBuilder b = new StringBuilder("# ").append(id.toUpperCase(Locale.ROOT)).append(": ").append(Experiments.title(id)).append("\n\n");
        b.append("- command: ").append(command).append('\n').append(note);
        b.append("- date: ").append(date).append('\n');
        b.append("- machine: ").append(machine).append('\n');
        b.append("- code version: ").append(version).append('\n');
        b.append("- summary: `forler report ").append(dir).append("` writes summary.md, summary.csv/json and the plots from the runs' logs\n\n");
        b.append("| setting | value |\n|---|---|\n");
        settings.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        Path readme = dir.resolve("README.md");
        String kept = Files.exists(readme) ? keptSections(Files.readString(readme)) : "";
        b.append('\n').append(withLogLine(kept, "- " + date + ": " + command + "; " + machine + "; code " + version + "\n"));
        AtomicFiles.writeString(readme, b.toString());
    }

    /** What a README holds from its first {@code ## } heading on (the sections after the settings table), or "". */
    static String keptSections(String readme) {
        int at = readme.startsWith("## ") ? 0 : readme.indexOf("\n## ");
        return at < 0 ? "" : readme.substring(at == 0 ? 0 : at + 1);
    }

    /** {@code sections} with {@code line} at the end of its {@link #LOG} list (the section added at the end when missing). */
    static String withLogLine(String sections, String line) {
        int at = sections.startsWith(LOG + "\n") ? 0 : sections.indexOf("\n" + LOG + "\n");
        if (at < 0) return sections + (sections.isEmpty() || sections.endsWith("\n\n") ? "" : sections.endsWith("\n") ? "\n" : "\n\n") + LOG + "\n\n" + line;
        int next = sections.indexOf("\n## ", at + 1);
        int end = next < 0 ? sections.length() : next + 1;
        String log = sections.substring(0, end).stripTrailing() + "\n" + line;
        return next < 0 ? log : log + "\n" + sections.substring(end);
    }

    /**
     * {@code FORLER_CODE_VERSION} (set in the container image), else the version the build recorded
     * ({@code forler/code-version.txt}: the commit the classes were built from, which a jar copied elsewhere or
     * built before later commits keeps), else {@code git describe --always --dirty} of the working folder, else the
     * jar's version.
     */
    static String codeVersion() {
        String env = System.getenv("FORLER_CODE_VERSION");
        if (env != null && !env.isBlank()) return env;
        try (var in = ExperimentReadme.class.getResourceAsStream("/forler/code-version.txt")) {
            if (in != null) {
                String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!v.isEmpty()) return v + " (build)";
            }
        } catch (IOException e) { // unreadable: ask git
        }
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

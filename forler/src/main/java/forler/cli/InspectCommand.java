package forler.cli;

import forler.fed.FedSimulation;
import forler.fed.Inspection;
import forler.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code forler inspect CHECKPOINT...}: what the policies of a run have become and what their critics make of them
 * ({@link Inspection}), from checkpoints alone: the run's settings are read from the first one, its data built
 * again (from the cache), and every checkpoint given, of the same run, is loaded in turn.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Look inside a run's checkpoints (`forler run` or `forler experiment`): for the global policy and every local "
                + "policy, on states of its own data, the fraction of action coordinates at the box's edge (|a| >= 0.99), the distance "
                + "||pi(s) - a||^2 to the data's actions, and its critic's min-Q of the data's actions, of the policy's and of uniform "
                + "ones, with the spread of the critic's heads; for FORLER's devices the same two figures of the rectified actions and "
                + "their Q. A policy that has left its data shows Q(s, pi(s)) above Q(s, a). Several checkpoints of one run (copies "
                + "kept round by round: `forler run --keep-checkpoints`) give one table."})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "CHECKPOINT", description = "checkpoint.safetensors files of one run (or the run folders holding them).")
    List<Path> checkpoints;
    @Option(names = "--states", defaultValue = "2048", description = "States drawn from each policy's data. Default: ${DEFAULT-VALUE}.")
    int states;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the states drawn (the same for every checkpoint). Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--episodes", defaultValue = "0",
            description = "Also score every policy on this many episodes, those the run evaluates the checkpoint's round with "
                    + "(with the run's --eval-episodes at an evaluated round: the score rounds.csv logged). Default: ${DEFAULT-VALUE} (no episodes).")
    int episodes;
    @Option(names = "--search", split = ",", paramLabel = "X0:Y0",
            description = "FORLER runs: also each device's rectified actions made afresh by one search step (Algorithm 1) from each "
                    + "start given, x0 zero or policy and first std y0 (e.g. zero:2,zero:0.5,policy:0.5; the run's own: zero:2), "
                    + "on the same states, with the run's N, I and temperature: what the search would make of the trained critic. Default: none.")
    List<String> search = List.of();
    @Option(names = "--search-iterations", paramLabel = "I",
            description = "The iterations I of the --search searches (0: the run's own). Default: ${DEFAULT-VALUE}.", defaultValue = "0")
    int searchIterations;
    @Option(names = "--cache", description = "Dataset cache folder (default: -Dforler.cache, else cache/datasets).")
    Path cache;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the table as CSV to FILE.")
    Path csv;

    /** The run's flags, filled in from the checkpoint's recorded settings. */
    @Command(name = "settings")
    static final class Recorded {
        @Mixin RunOptions opts;
    }

    @Override
    public Integer call() throws Exception {
        Checks.atLeast("--states", states, 1);
        Checks.atLeast("--episodes", episodes, 0);
        Checks.atLeast("--search-iterations", searchIterations, 0);
        Checks.folder("--cache", cache);
        List<Inspection.Start> starts = search.stream().map(Inspection.Start::parse).toList();
        List<Path> files = new ArrayList<>();
        for (Path p : checkpoints) {
            Path f = Files.isDirectory(p) ? p.resolve("checkpoint.safetensors") : p;
            Checks.file("CHECKPOINT", f);
            files.add(f);
        }
        Map<String, String> settings = FedSimulation.recordedSettings(files.get(0));
        if (settings.isEmpty()) {
            throw new IllegalArgumentException(files.get(0) + " records no run settings (written by an older version): inspect needs them");
        }
        RunOptions o = options(settings);
        FedSimulation sim = new FedSimulation(o.options(Path.of(".")), o.datasets()::build, System.out);
        FedSimulation.Setup setup = sim.setup();
        if (!starts.isEmpty() && !settings.get("--algo").equals("forler")) {
            throw new IllegalArgumentException("--search needs a FORLER run's checkpoints (only its devices rectify), got --algo " + settings.get("--algo"));
        }
        StringBuilder out = new StringBuilder("checkpoint,round,policy,data,saturated,distance,q_data,q_policy,q_uniform,head_spread,"
                + "target_saturated,target_distance,q_target,score,target\n");
        String task = settings.get("--task");
        long runSeed = Long.parseLong(settings.get("--seed"));
        System.out.printf("%s on %s, seed %d: %d states of each policy's data; round as in rounds.csv (from 0); Q: min over the critic's heads%n",
                settings.get("--algo"), task, runSeed, states);
        System.out.printf("%-6s %-9s %-4s %9s %11s %10s %10s %10s %8s %9s %9s %10s %7s  %s%n", "round", "policy", "data", "at edge", "|pi(s)-a|^2",
                "Q(s,a)", "Q(s,pi(s))", "Q(s,u)", "spread", "â at edge", "|â-a|^2", "Q(s,â)", "score", "â");
        for (Path f : files) {
            int round = sim.load(setup, f);
            List<Inspection.Row> rows = Inspection.of(setup, states, seed);
            for (int k = -1; k + 1 < rows.size(); k++) {
                Inspection.Row r = rows.get(k + 1);
                double score = episodes > 0 ? Inspection.score(setup, task, runSeed, round, k, episodes) : Double.NaN;
                print(out, f, round, r, score, Double.isNaN(r.targetSaturated()) ? "" : "cache");
            }
            for (int k = 0; k + 1 < rows.size(); k++)
                for (Inspection.Start st : starts) print(out, f, round, Inspection.searched(setup, k, st, searchIterations, states, seed), Double.NaN, st.label());
        }
        if (csv != null) AtomicFiles.writeString(csv, out.toString());
        return 0;
    }

    /** One row on stdout and in the CSV; {@code target}: where its â come from (cache, or a search's X0:Y0; "" for none). */
    private static void print(StringBuilder out, Path f, int round, Inspection.Row r, double score, String target) {
        System.out.printf(Locale.ROOT, "%-6d %-9s %-4s %9.3f %11.3f %10.2f %10.2f %10.2f %8.2f %9.3f %9.3f %10.2f %7.1f  %s%n",
                round, r.policy(), r.data(), r.saturated(), r.distance(), r.qData(), r.qPolicy(), r.qUniform(), r.headSpread(),
                r.targetSaturated(), r.targetDistance(), r.qTarget(), score, target);
        out.append(String.format(Locale.ROOT, "%s,%d,%s,%s,%.5f,%.5f,%.4f,%.4f,%.4f,%.4f,%.5f,%.5f,%.4f,%s,%s%n",
                f, round, r.policy(), r.data(), r.saturated(), r.distance(), r.qData(), r.qPolicy(), r.qUniform(), r.headSpread(),
                r.targetSaturated(), r.targetDistance(), r.qTarget(), Double.isNaN(score) ? "NaN" : Double.toString(score), target));
    }

    /** The run's options from its recorded settings ({@code --flag value}; a boolean flag present when "true"), with --cache. */
    private RunOptions options(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((flag, v) -> {
            if (v.equals("true")) args.add(flag);
            else if (!v.equals("false")) args.add(flag + "=" + v);
        });
        if (cache != null) args.add("--cache=" + cache);
        Recorded r = new Recorded();
        new CommandLine(r).parseArgs(args.toArray(String[]::new));
        return r.opts;
    }
}

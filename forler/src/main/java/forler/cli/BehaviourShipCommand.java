package forler.cli;

import forler.data.BehaviourPolicies;
import forler.data.D4rlIO;
import forler.data.Dataset;
import forler.data.Episodes;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.AtomicFiles;
import forler.io.StateDict;
import forler.rl.OnlineTraining;
import forler.rl.ReplayBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forler behaviour ship --run DIR}: turns a finished {@code forler sac --out DIR} run into the three shipped
 * behaviour resources of its task, by D4RL's recipe:
 * <pre>
 *   TASK-expert.safetensors        the run's best evaluation (DIR/policy-expert.safetensors)
 *   TASK-medium.safetensors        the earliest evaluation snapshot of the same run scoring 30–40% of the expert's
 *                                  normalised score (D4RL: "about one third of the expert"), re-evaluated over --episodes
 *   TASK-medium-replay.hdf5        the run's replay buffer up to that snapshot (DIR/checkpoint.safetensors, or the first
 *                                  rows of DIR/medium-replay.hdf5 once a run past the buffer's capacity has wrapped it),
 *                                  as whole episodes, at most --replay-cap transitions (a seeded subset keeps the jar small)
 * </pre>
 * Every shipped policy records the deterministic and stochastic returns measured here (episode k starts from
 * reset(seed + k), not the training evaluations' seeds). The normalised scores use the task's reference returns
 * ({@link Tasks.Info#normalizedScore}). The learning curve DIR/evals.csv is copied to {@code --curve-to}.
 */
@Command(name = "ship", mixinStandardHelpOptions = true,
        description = "Ship a `forler sac` run's expert, medium (30-40%% of the expert, D4RL's rule) and medium-replay as resources.")
public final class BehaviourShipCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", required = true, description = "The `forler sac --out` folder of a finished run.")
    Path run;

    @Option(names = "--episodes", defaultValue = "50", description = "Evaluation episodes per policy (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", description = "Evaluation episode k starts from reset(seed + k); seed of the replay subset (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--medium-band", defaultValue = "30:40", paramLabel = "LO:HI",
            description = "Medium's normalised score as a percentage range of the expert's (default: ${DEFAULT-VALUE}).")
    String band;

    @Option(names = "--candidates", defaultValue = "5",
            description = "Snapshots in the band (earliest first) re-evaluated before giving up (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--medium-after", defaultValue = "0", paramLabel = "STEP",
            description = "Only snapshots after STEP are medium candidates (default: ${DEFAULT-VALUE}); e.g. ant's untrained "
                    + "policy stands still and scores about 30 normalised from the healthy reward alone.")
    long mediumAfter;

    @Option(names = "--replay-cap", defaultValue = "20000", description = "Most transitions in the shipped medium-replay (default: ${DEFAULT-VALUE}).")
    int replayCap;

    @Option(names = "--gzip", defaultValue = "0", description = "Deflate level 1-9 of the medium-replay file, 0 for none (default: ${DEFAULT-VALUE}).")
    int gzip;

    @Option(names = "--to", defaultValue = "forler/src/main/resources/forler/policies",
            description = "Folder of the shipped resources (default: ${DEFAULT-VALUE}).")
    Path to;

    @Option(names = "--curve-to", defaultValue = "results/behaviour",
            description = "Folder that receives the run's learning curve as TASK-evals.csv (default: ${DEFAULT-VALUE}).")
    Path curveTo;

    /** One row of the run's evals.csv. */
    record Eval(long step, double normalized) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        double[] pct = parseBand(band);
        if (episodes <= 0 || candidates <= 0 || replayCap <= 0)
            throw new IllegalArgumentException("--episodes, --candidates and --replay-cap must be positive");
        if (gzip < 0 || gzip > 9) throw new IllegalArgumentException("--gzip must be 0 (none) to 9, got " + gzip);
        Path expertFile = run.resolve("policy-expert.safetensors"), ckpt = run.resolve(OnlineTraining.CHECKPOINT), csv = run.resolve(OnlineTraining.EVALS);
        for (Path p : List.of(expertFile, ckpt, csv))
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("--run " + run + ": no " + p.getFileName() + " (is it a `forler sac --out` folder?)");
        String task = BehaviourPolicies.read(expertFile).task();
        Tasks.Info info = Tasks.info(task);
        Files.createDirectories(to);

        Rollouts.Stats expert = ship(expertFile, "expert", episodes, seed, to.resolve(task + "-expert.safetensors"), out);
        double expertNorm = info.normalizedScore(expert.mean()), lo = pct[0] / 100 * expertNorm, hi = pct[1] / 100 * expertNorm;
        out.printf(Locale.ROOT, "%s expert: normalised %.1f; medium band %.1f-%.1f (%s%% of it)%n", task, expertNorm, lo, hi, band);

        List<Eval> evals = readEvals(csv);
        double mid = (lo + hi) / 2;
        List<Eval> inBand = new ArrayList<>();
        for (Eval e : evals)
            if (e.step() > mediumAfter && e.normalized() >= lo && e.normalized() <= hi && Files.isRegularFile(snapshot(e.step()))) inBand.add(e);
        if (inBand.isEmpty()) {
            Eval closest = evals.stream().filter(e -> e.step() > mediumAfter).min(Comparator.comparingDouble(e -> Math.abs(e.normalized() - mid))).orElse(evals.get(evals.size() - 1));
            throw new IllegalArgumentException("--run " + run + ": no evaluation after step " + mediumAfter + " lies in " + band + "% of the expert's normalised score "
                    + String.format(Locale.ROOT, "%.1f (closest: step %d at %.1f); widen --medium-band", expertNorm, closest.step(), closest.normalized()));
        }
        inBand.sort(Comparator.comparingLong(Eval::step)); // D4RL stops training medium when it first reaches the level
        Eval medium = null;
        Path mediumFile = to.resolve(task + "-medium.safetensors");
        for (Eval e : inBand.subList(0, Math.min(candidates, inBand.size()))) {
            Rollouts.Stats s = ship(snapshot(e.step()), "medium", episodes, seed, mediumFile, out);
            double norm = info.normalizedScore(s.mean());
            if (norm >= lo && norm <= hi) {
                medium = e;
                out.printf(Locale.ROOT, "%s medium: snapshot of step %d, normalised %.1f = %.0f%% of the expert%n", task, e.step(), norm, 100 * norm / expertNorm);
                break;
            }
            out.printf(Locale.ROOT, "  step %d: normalised %.1f over %d episodes, outside the band; next candidate%n", e.step(), norm, episodes);
        }
        if (medium == null) {
            Files.deleteIfExists(mediumFile);
            throw new IllegalStateException("--run " + run + ": none of the " + Math.min(candidates, inBand.size())
                    + " snapshots in the band scored inside it over " + episodes + " episodes; raise --candidates or widen --medium-band");
        }

        // medium-replay: the buffer up to the medium snapshot (D4RL: everything seen until the medium level), whole episodes
        Dataset replay = replayUpTo(medium.step(), task, ckpt, run.resolve("medium-replay.hdf5"));
        Dataset sub = Episodes.subset(replay, replayCap, seed);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("task", task);
        attrs.put("kind", "medium-replay");
        attrs.put("step", Long.toString(medium.step()));
        attrs.put("subset", String.format(Locale.ROOT, "%d of %d episodes, %d of %d transitions, seed %d",
                Episodes.count(sub), Episodes.count(replay), sub.size(), replay.size(), seed));
        Path replayFile = to.resolve(task + "-medium-replay.hdf5");
        D4rlIO.write(replayFile, sub, attrs, gzip);
        double[] rs = Episodes.returnStats(sub);
        out.printf(Locale.ROOT, "%s medium-replay: %s; episode return %.1f ± %.1f -> %s (%d bytes)%n", task, attrs.get("subset"),
                rs[0], rs[1], replayFile, Files.size(replayFile));

        Files.createDirectories(curveTo);
        Path curve = curveTo.resolve(task + "-evals.csv");
        AtomicFiles.writeBytes(curve, Files.readAllBytes(csv));
        out.printf("learning curve -> %s%n", curve);
        out.flush();
        return 0;
    }

    private Path snapshot(long step) { return run.resolve("snapshots/actor-" + step + ".safetensors"); }

    /**
     * The run's first {@code step} transitions in task units: from the checkpoint's replay buffer, or, once a run longer
     * than the buffer's capacity has wrapped it, from the first rows of the run's {@code medium-replay.hdf5} (the buffer
     * as it was when the run first reached its medium level: the same transitions in the same order, so the same data).
     */
    private static Dataset replayUpTo(long step, String task, Path ckpt, Path saved) throws IOException {
        try (Env env = Tasks.make(task)) {
            StateDict buf = StateDict.read(ckpt).sub("buffer.");
            ReplayBuffer b = new ReplayBuffer(env.obsDim(), env.actDim(), Integer.parseInt(buf.meta.get("capacity")));
            b.load(buf);
            if (b.added() == b.size()) {
                if (step > b.size()) throw new IllegalStateException(ckpt + " holds " + b.size() + " transitions, fewer than the medium step " + step);
                return b.toDataset((int) step, new ActionScale(env.actLow(), env.actHigh()));
            }
            Dataset first = Files.isRegularFile(saved) ? D4rlIO.read(saved) : null;
            if (first == null || first.size() < step)
                throw new IllegalStateException(ckpt + ": the replay buffer has wrapped (" + b.added() + " transitions added, capacity " + b.size()
                        + ") and " + saved + (first == null ? " is missing" : " holds only " + first.size() + " transitions")
                        + ": the transitions up to the medium step " + step + " are gone; ship from a run that kept them");
            return first.slice(0, (int) step).withClosedLastEpisode();
        }
    }

    /**
     * Evaluates the actor in {@code policyFile} (deterministic and stochastic, {@code episodes} episodes from
     * reset(seed + k)) and writes it to {@code dest} as a shipped policy of {@code kind} with those returns in its
     * metadata. Returns the deterministic statistics.
     */
    static Rollouts.Stats ship(Path policyFile, String kind, int episodes, long seed, Path dest, PrintWriter out) throws IOException {
        BehaviourPolicies.Loaded p = BehaviourPolicies.read(policyFile);
        try (Env env = Tasks.make(p.task())) {
            Rollouts.Stats det = Rollouts.evaluate(env, p.deterministic(), episodes, seed);
            Rollouts.Stats sto = Rollouts.evaluate(env, p.stochastic(), episodes, seed);
            StateDict d = StateDict.read(policyFile);
            d.meta.put("kind", kind);
            d.meta.put("return_mean", String.format(Locale.ROOT, "%.4f", det.mean()));
            d.meta.put("return_std", String.format(Locale.ROOT, "%.4f", det.std()));
            d.meta.put("stochastic_return_mean", String.format(Locale.ROOT, "%.4f", sto.mean()));
            d.meta.put("stochastic_return_std", String.format(Locale.ROOT, "%.4f", sto.std()));
            d.meta.put("return_episodes", Integer.toString(episodes));
            d.meta.put("return_seed", Long.toString(seed));
            d.save(dest);
            out.printf(Locale.ROOT, "%s %s -> %s: deterministic %.2f ± %.2f, stochastic %.2f ± %.2f over %d episodes (seed %d)%n",
                    p.task(), kind, dest, det.mean(), det.std(), sto.mean(), sto.std(), episodes, seed);
            out.flush();
            return det;
        }
    }

    static double[] parseBand(String band) {
        String[] parts = band.split(":");
        try {
            double lo = Double.parseDouble(parts[0]), hi = Double.parseDouble(parts[1]);
            if (parts.length == 2 && lo >= 0 && lo < hi && hi <= 100) return new double[] {lo, hi};
        } catch (RuntimeException ignored) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--medium-band must be LO:HI percentages with 0 <= LO < HI <= 100, got '" + band + "'");
    }

    static List<Eval> readEvals(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("step,")) throw new IllegalArgumentException(csv + ": not a `forler sac` evals.csv (no header)");
        List<String> head = List.of(lines.get(0).split(","));
        int stepCol = head.indexOf("step"), normCol = head.indexOf("normalized");
        if (normCol < 0) throw new IllegalArgumentException(csv + ": no 'normalized' column");
        List<Eval> evals = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            evals.add(new Eval(Long.parseLong(f[stepCol]), Double.parseDouble(f[normCol])));
        }
        if (evals.isEmpty()) throw new IllegalArgumentException(csv + ": no evaluations yet");
        return evals;
    }
}

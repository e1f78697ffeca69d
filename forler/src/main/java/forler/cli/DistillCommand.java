package forler.cli;

import forler.data.ActorFile;
import forler.data.D4rlIO;
import forler.env.BipedalWalkerHeuristic;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.AtomicFiles;
import forler.rl.Dagger;
import forler.rl.OnlineTraining;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forler distill}: behaviour policies for a task whose scripted controller walks where online SAC does not
 * learn at this project's budget (bipedalwalker: Gymnasium's heuristic gait), by {@link Dagger}. Writes, under
 * {@code --out}, the same files as {@code forler sac} so that {@code forler behaviour --ship} takes them unchanged:
 * <pre>
 *   evals.csv                   one row per iteration (deterministic student, mean ± std over --eval-episodes)
 *   snapshots/actor-ITER.safetensors   the student after every iteration
 *   policy-medium.safetensors   the student of the first iteration whose evaluation reaches the medium level
 *   medium-replay.hdf5          every transition executed up to that iteration (the student's "training replay")
 *   policy-expert.safetensors   the student of the best evaluation
 *   policy-final.safetensors    the student after the last iteration
 * </pre>
 * A run is not checkpointed (30 iterations take ≈ 30 min on 2 cores): it is deterministic, so re-running it with the
 * same flags gives the same students and files (checked for the first nine iterations of the shipped run). It refuses
 * an {@code --out} that already holds a run rather than overwrite it.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil a task's scripted controller into a policy network by DAgger (behaviour policies where SAC fails).")
public final class DistillCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--task", defaultValue = "bipedalwalker", description = "Task with a scripted controller; bipedalwalker is the only one (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--out", required = true, description = "Output directory (evals.csv, snapshots, policies, medium-replay).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of everything (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--iterations", description = "DAgger iterations (default: 30).")
    Integer iterations;

    @Option(names = "--episodes", description = "Episodes collected per iteration (default: 8).")
    Integer episodes;

    @Option(names = "--grad-steps", description = "Adam steps per iteration (default: 12000).")
    Integer gradSteps;

    @Option(names = "--hidden", description = "Hidden width of the student, 2 layers (default: 256).")
    Integer hidden;

    @Option(names = "--eval-episodes", defaultValue = "10", description = "Episodes per evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--save-medium-at", paramLabel = "RETURN",
            description = "Medium level (default: R_random + (R_expert − R_random)/3 from `forler tasks`).")
    Double mediumAt;

    @Option(names = "--medium-iteration", paramLabel = "ITER",
            description = "Save policy-medium and medium-replay after iteration ITER (0-based) instead of at the first "
                    + "evaluation reaching the medium level: for picking the medium by a separate evaluation of the snapshots.")
    Integer mediumIteration;

    static final String CSV_HEADER = "iteration,beta,aggregate,transitions,collect_return,loss,wall_s,return_mean,return_std,normalized";

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        Tasks.Info info = Tasks.info(task);
        if (!task.equals("bipedalwalker"))
            throw new IllegalArgumentException("no scripted controller for task '" + task + "'; `distill` knows: bipedalwalker "
                    + "(for other tasks train behaviour policies with `forler sac`)");
        Dagger.Config d = Dagger.Config.defaults();
        Dagger.Config cfg = new Dagger.Config(hidden != null ? hidden : d.hidden(), d.depth(),
                iterations != null ? iterations : d.iterations(), episodes != null ? episodes : d.episodesPerIteration(),
                gradSteps != null ? gradSteps : d.gradSteps(), d.batchSize(), d.lr(), d.betaDecay(), d.sigma());
        if (cfg.hidden() <= 0 || cfg.iterations() <= 0 || cfg.episodesPerIteration() <= 0 || cfg.gradSteps() <= 0 || evalEpisodes <= 0)
            throw new IllegalArgumentException("--hidden, --iterations, --episodes, --grad-steps and --eval-episodes must be positive; got " + cfg);
        if (mediumIteration != null && (mediumIteration < 0 || mediumIteration >= cfg.iterations() || mediumAt != null))
            throw new IllegalArgumentException("--medium-iteration must lie in [0, --iterations) and cannot be combined with "
                    + "--save-medium-at; got " + mediumIteration);
        double medium = mediumAt != null ? mediumAt : info.randomReturn() + (info.expertReturn() - info.randomReturn()) / 3;
        Path csv = out.resolve("evals.csv");
        if (Files.exists(csv))
            throw new IllegalStateException(out + " already holds a distill run (" + csv.getFileName() + "); choose another --out or delete it");
        Files.createDirectories(out.resolve("snapshots"));
        StringBuilder rows = new StringBuilder(CSV_HEADER).append('\n');
        AtomicFiles.writeString(csv, rows.toString());
        log.printf(Locale.ROOT, "distill %s: seed %d, %s, medium level %.2f%n", task, seed, cfg, medium);
        log.flush();

        BipedalWalkerHeuristic heuristic = new BipedalWalkerHeuristic();
        Dagger.Expert expert = new Dagger.Expert() {
            @Override public void reset() { heuristic.reset(); }
            @Override public float[] act(float[] obs) { return heuristic.act(obs); }
        };
        try (Env env = Tasks.make(task); Env evalEnv = Tasks.make(task)) {
            Dagger dagger = new Dagger(env, expert, cfg, seed);
            double best = Double.NEGATIVE_INFINITY;
            boolean mediumSaved = false;
            long t0 = System.nanoTime();
            for (int i = 0; i < cfg.iterations(); i++) {
                Dagger.Iteration it = dagger.iterate();
                double wall = (System.nanoTime() - t0) / 1e9;
                Rollouts.Stats e = Rollouts.evaluate(evalEnv, dagger.deterministicPolicy(), evalEpisodes, OnlineTraining.EVAL_SEED);
                rows.append(String.format(Locale.ROOT, "%d,%.6f,%d,%d,%.4f,%.6f,%.1f,%.4f,%.4f,%.2f%n", it.index(), it.beta(), it.aggregate(),
                        dagger.replaySize(), it.meanEpisodeReturn(), it.finalLoss(), wall, e.mean(), e.std(), info.normalizedScore(e.mean())));
                AtomicFiles.writeString(csv, rows.toString());
                log.printf(Locale.ROOT, "iteration %d/%d  β %.3f  %d labelled states  collected %.1f  loss %.5f  eval %.1f ± %.1f  (%.0f s)%n",
                        it.index() + 1, cfg.iterations(), it.beta(), it.aggregate(), it.meanEpisodeReturn(), it.finalLoss(), e.mean(), e.std(), wall);
                Map<String, String> m = new LinkedHashMap<>();
                m.put("trainer", "dagger of Gymnasium's BipedalWalker heuristic (forler distill)");
                m.put("step", Long.toString((long) (it.index() + 1) * cfg.gradSteps()));
                m.put("iteration", Integer.toString(it.index()));
                m.put("seed", Long.toString(seed));
                m.put("eval_return_mean", String.format(Locale.ROOT, "%.4f", e.mean()));
                m.put("eval_return_std", String.format(Locale.ROOT, "%.4f", e.std()));
                m.put("eval_episodes", Integer.toString(e.episodes()));
                m.put("eval_seed", Long.toString(OnlineTraining.EVAL_SEED));
                m.put("wall_s", String.format(Locale.ROOT, "%.1f", wall));
                m.put("date", Instant.now().toString());
                save(dagger, env, m, "snapshot", out.resolve("snapshots/actor-" + it.index() + ".safetensors"));
                boolean isMedium = mediumIteration != null ? it.index() == mediumIteration : e.mean() >= medium;
                if (!mediumSaved && isMedium) {
                    save(dagger, env, m, "medium", out.resolve("policy-medium.safetensors"));
                    Map<String, String> attrs = new LinkedHashMap<>(m);
                    attrs.put("kind", "medium-replay");
                    D4rlIO.write(out.resolve("medium-replay.hdf5"), dagger.replay(), attrs);
                    mediumSaved = true;
                    log.printf(Locale.ROOT, "  %s: saved policy-medium and medium-replay (%d transitions)%n", mediumIteration != null
                            ? "--medium-iteration " + mediumIteration : String.format(Locale.ROOT, "medium level %.2f reached", medium), dagger.replaySize());
                }
                if (e.mean() > best) {
                    best = e.mean();
                    save(dagger, env, m, "expert", out.resolve("policy-expert.safetensors"));
                }
                if (i == cfg.iterations() - 1) save(dagger, env, m, "final", out.resolve("policy-final.safetensors"));
                log.flush();
            }
            log.printf(Locale.ROOT, "done: %d iterations, best evaluation %.2f, %.0f s%s%n", cfg.iterations(), best,
                    (System.nanoTime() - t0) / 1e9, mediumSaved ? "" : "; the medium level was never reached (no policy-medium)");
            log.flush();
        }
        return 0;
    }

    private static void save(Dagger dagger, Env env, Map<String, String> meta, String kind, Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put("kind", kind);
        ActorFile.of(dagger.student, env, m).save(file);  // temp file, then rename
    }
}

package forler.rl;

import forler.data.ActorFile;
import forler.data.D4rlIO;
import forler.engine.Backends;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.Progress;
import forler.io.RunLog;
import forler.io.StateDict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Online training of one {@link Sac} agent on one task (the {@code sac} command): S environment steps, an
 * evaluation of the deterministic policy every E steps and at the last, and after each evaluation a row of
 * {@code evals.csv}/{@code evals.json} ({@link RunLog}), an actor snapshot, the medium policy and medium-replay
 * buffer the first time the mean return reaches the medium level, the best policy so far, and an atomic checkpoint.
 * Files under {@code out}:
 * <pre>
 *   checkpoint.safetensors    full state (networks, Adam moments, Rngs, replay buffer, counters), atomic, for resume
 *   evals.csv, evals.json     one row per evaluation (deterministic policy, mean ± std over evalEpisodes)
 *   snapshots/actor-STEP.safetensors   the actor at every evaluation
 *   policy-medium.safetensors the actor at the first evaluation whose mean return reaches the medium level
 *   medium-replay.hdf5        the replay buffer up to that moment (D4RL's medium-replay), task units
 *   policy-expert.safetensors the actor of the best evaluation so far
 *   policy-final.safetensors  the actor at the last step
 * </pre>
 * A run stopped at any point continues with {@code resume} from its last checkpoint with the same numbers as an
 * uninterrupted run ({@link Sac#load}); the evaluation rows after the checkpoint are dropped. With a stop score
 * (D4RL trained its experts for 10⁶ steps "or until the expert bar holds") the run ends after the first evaluation that
 * reaches it, as if that step were the last; {@code resume} without it carries on from there, bit for bit.
 * The offline counterpart is {@link OfflineTraining}.
 */
public final class OnlineTraining {
    /** A run's settings (the {@code sac} command's flags). */
    public record Options(
            String task,
            Sac.Config cfg,
            long steps,          // S environment steps in all (one gradient step each after warm-up)
            long seed,
            Path out,
            boolean resume,      // continue from out/checkpoint.safetensors (fresh when there is none)
            long evalEvery,      // E: evaluate, snapshot and checkpoint every E steps and at the last
            int evalEpisodes,
            double mediumLevel,  // mean evaluation return at which policy-medium and medium-replay are saved
            double stopAtScore) { // stop after the first evaluation whose normalised score reaches this (NaN: run all S steps)
        public Options {
            if (steps <= 0 || evalEvery <= 0 || evalEpisodes <= 0)
                throw new IllegalArgumentException("--steps, --eval-every and --eval-episodes must be positive");
        }
    }

    public static final String CHECKPOINT = "checkpoint.safetensors", EVALS = "evals.csv";
    /** The columns of evals.csv, in order. */
    public static final List<String> COLUMNS = List.of("step", "episodes", "wall_s", "return_mean", "return_std", "normalized",
            "last_train_return", "alpha", "critic_loss");
    public static final String CSV_HEADER = String.join(",", COLUMNS);

    /** Evaluation seeds: episode k of every evaluation starts from reset(EVAL_SEED + k), the same each time. */
    public static final long EVAL_SEED = 1_000_000L;

    /** The trained agent and the best evaluation's mean return. */
    public record Result(Sac sac, double bestReturn) {}

    private final Options o;
    private final PrintWriter log;

    public OnlineTraining(Options o, PrintWriter log) {
        this.o = o;
        this.log = log;
    }

    /** Trains to {@code steps}, from the checkpoint when {@code resume} and there is one. */
    public Result run() throws IOException {
        Tasks.Info info = Tasks.info(o.task());
        Files.createDirectories(o.out().resolve("snapshots"));
        Path ckpt = o.out().resolve(CHECKPOINT), csv = o.out().resolve(EVALS);
        try (Env env = Tasks.make(o.task()); Env evalEnv = Tasks.make(o.task())) {
            Sac sac = new Sac(env, o.cfg(), o.seed());
            RunLog evals = new RunLog(o.out(), "evals").info("task", o.task()).info("seed", o.seed()).info("config", o.cfg());
            double wall = 0, best = Double.NEGATIVE_INFINITY;
            boolean mediumSaved = false;
            if (Files.exists(ckpt) && !o.resume())
                throw new IllegalStateException(o.out() + " already holds a checkpoint; pass --resume to continue it or choose another --out");
            if (o.resume() && Files.exists(ckpt)) {
                StateDict d = StateDict.read(ckpt);
                sac.load(d);
                wall = d.getScalar("run.wall_s");
                best = d.getScalar("run.best_return");
                mediumSaved = Boolean.parseBoolean(d.meta.get("run.medium_saved"));
                List<Map<String, Double>> rows = Files.exists(csv) ? RunLog.readCsv(csv) : new ArrayList<>();
                rows.removeIf(r -> r.get("step") > sac.steps()); // written after the checkpoint
                evals.restore(rows);
                evals.flush();
                log.printf("resumed %s at step %d (episode %d)%n", ckpt, sac.steps(), sac.episodes());
            } else if (o.resume()) {
                log.printf("no checkpoint in %s: starting fresh%n", o.out());
            }
            log.printf(Locale.ROOT, "sac %s: seed %d, %s, backend %s, medium level %.2f%n", o.task(), o.seed(), o.cfg(),
                    Backends.get().name(), o.mediumLevel());
            log.flush();

            long t0 = System.nanoTime();
            double wallStart = wall;
            try (Progress bar = new Progress("sac " + o.task(), o.steps())) {
                if (sac.steps() > 0) bar.step(sac.steps(), null);
                while (sac.steps() < o.steps()) {
                    sac.step();
                    bar.step(1, null);
                    boolean last = sac.steps() == o.steps();
                    if (sac.steps() % o.evalEvery() != 0 && !last) continue;
                    wall = wallStart + (System.nanoTime() - t0) / 1e9;
                    Rollouts.Stats e = Rollouts.evaluate(evalEnv, sac.deterministicPolicy(), o.evalEpisodes(), EVAL_SEED);
                    Map<String, Double> u = sac.lastUpdate();
                    double[] values = {sac.steps(), sac.episodes(), wall, e.mean(), e.std(), info.normalizedScore(e.mean()),
                            sac.lastEpisodeReturn(), u.getOrDefault("alpha", Double.NaN), u.getOrDefault("critic_loss", Double.NaN)};
                    Map<String, Double> row = new LinkedHashMap<>();
                    for (int i = 0; i < values.length; i++) row.put(COLUMNS.get(i), values[i]);
                    evals.add(row);
                    bar.step(0, String.format(Locale.ROOT, "eval %.1f", e.mean()));
                    Map<String, String> m = policyMeta(e, wall);
                    saveActor(sac, o.out().resolve("snapshots/actor-" + sac.steps() + ".safetensors"), "snapshot", m);
                    if (!mediumSaved && e.mean() >= o.mediumLevel()) {
                        saveActor(sac, o.out().resolve("policy-medium.safetensors"), "medium", m);
                        Map<String, String> attrs = new LinkedHashMap<>(m);
                        attrs.put("kind", "medium-replay");
                        D4rlIO.write(o.out().resolve("medium-replay.hdf5"), sac.buffer.toDataset(sac.buffer.size(), sac.scale), attrs);
                        mediumSaved = true;
                        log.printf(Locale.ROOT, "step %d: medium level %.2f reached (%.2f); saved policy-medium and medium-replay (%d transitions)%n",
                                sac.steps(), o.mediumLevel(), e.mean(), sac.buffer.size());
                        log.flush();
                    }
                    if (e.mean() > best) {
                        best = e.mean();
                        saveActor(sac, o.out().resolve("policy-expert.safetensors"), "expert", m);
                    }
                    boolean stop = info.normalizedScore(e.mean()) >= o.stopAtScore(); // false for NaN
                    if (last || stop) saveActor(sac, o.out().resolve("policy-final.safetensors"), "final", m);
                    StateDict d = sac.state();
                    d.scalar("run.wall_s", wall).scalar("run.best_return", best);
                    d.meta.put("run.medium_saved", Boolean.toString(mediumSaved));
                    d.save(ckpt);
                    if (stop && !last) {
                        log.printf(Locale.ROOT, "step %d: normalised score %.1f reached the stop score %.1f; stopping (--resume continues)%n",
                                sac.steps(), info.normalizedScore(e.mean()), o.stopAtScore());
                        break;
                    }
                }
            }
            log.printf(Locale.ROOT, "done: %d steps, best evaluation %.2f, %.0f s of training%n", sac.steps(), best,
                    wallStart + (System.nanoTime() - t0) / 1e9);
            log.flush();
            return new Result(sac, best);
        }
    }

    /**
     * The medium policy and medium-replay buffer of an earlier evaluation step, from its snapshot and the first
     * {@code step} transitions of the checkpoint's buffer, for a run whose medium level was set too high; trains nothing.
     */
    public void mediumFrom(long step) throws IOException {
        Path ckpt = o.out().resolve(CHECKPOINT);
        if (!o.resume() || !Files.exists(ckpt)) // checked before anything in out is touched
            throw new IllegalArgumentException("--medium-from needs --resume and a checkpoint in " + o.out());
        Path snap = o.out().resolve("snapshots/actor-" + step + ".safetensors");
        if (!Files.exists(snap))
            throw new IllegalArgumentException("--medium-from " + step + ": no " + snap + " (snapshots are written every --eval-every steps)");
        try (Env env = Tasks.make(o.task())) {
            Sac sac = new Sac(env, o.cfg(), o.seed());
            sac.load(StateDict.read(ckpt));
            if (step > sac.buffer.size())
                throw new IllegalArgumentException("--medium-from " + step + ": the checkpoint holds only " + sac.buffer.size() + " transitions");
            StateDict actor = StateDict.read(snap);
            actor.meta.put("kind", "medium");
            actor.save(o.out().resolve("policy-medium.safetensors"));
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("kind", "medium-replay");
            attrs.put("step", Long.toString(step));
            attrs.put("seed", Long.toString(o.seed()));
            D4rlIO.write(o.out().resolve("medium-replay.hdf5"), sac.buffer.toDataset((int) step, sac.scale), attrs);
            log.printf(Locale.ROOT, "saved policy-medium (snapshot of step %d, eval return %s) and medium-replay (%d transitions) in %s%n",
                    step, actor.meta.get("eval_return_mean"), step, o.out());
            log.flush();
        }
    }

    private Map<String, String> policyMeta(Rollouts.Stats e, double wall) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("step", Long.toString(-1));
        m.put("seed", Long.toString(o.seed()));
        m.put("eval_return_mean", String.format(Locale.ROOT, "%.4f", e.mean()));
        m.put("eval_return_std", String.format(Locale.ROOT, "%.4f", e.std()));
        m.put("eval_episodes", Integer.toString(e.episodes()));
        m.put("eval_seed", Long.toString(EVAL_SEED));
        m.put("wall_s", String.format(Locale.ROOT, "%.1f", wall));
        m.put("date", Instant.now().toString());
        return m;
    }

    private static void saveActor(Sac sac, Path file, String kind, Map<String, String> meta) throws IOException {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put("step", Long.toString(sac.steps()));
        m.put("kind", kind);
        ActorFile.of(sac.learner.actor, sac.env, m).save(file);
    }
}

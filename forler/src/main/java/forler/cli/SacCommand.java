package forler.cli;

import forler.data.D4rlIO;
import forler.engine.Backends;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.rl.Sac;
import forler.rl.StateDict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forler sac}: trains an online SAC agent ({@link Sac}) on one task and writes, under {@code --out}:
 * <pre>
 *   checkpoint.safetensors    full state (networks, Adam moments, Rngs, replay buffer, counters), atomic, for --resume
 *   evals.csv                 one row per evaluation (deterministic policy, mean ± std over --eval-episodes)
 *   snapshots/actor-STEP.safetensors   the actor at every evaluation
 *   policy-medium.safetensors the actor at the first evaluation whose mean return reaches --save-medium-at
 *   medium-replay.hdf5        the replay buffer up to that moment (D4RL's medium-replay), task units
 *   policy-expert.safetensors the actor of the best evaluation so far
 *   policy-final.safetensors  the actor at the last step
 * </pre>
 * A run stopped at any point resumes with {@code --resume} from its last checkpoint and continues with the same
 * numbers as an uninterrupted run.
 */
@Command(name = "sac", mixinStandardHelpOptions = true,
        description = "Train an online SAC agent (behaviour policies: medium and expert snapshots, medium-replay buffer).")
public final class SacCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--task", defaultValue = "pendulum", description = "Task (see `forler tasks`) (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--steps", required = true, description = "Total environment steps (one gradient step each after warm-up).")
    long steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of everything (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory (checkpoint, CSV, policies).")
    Path out;

    @Option(names = "--resume", description = "Continue from OUT/checkpoint.safetensors (starts fresh if there is none).")
    boolean resume;

    @Option(names = "--eval-every", defaultValue = "5000", description = "Evaluate and checkpoint every K steps (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-episodes", defaultValue = "5", description = "Episodes per evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--save-medium-at", paramLabel = "RETURN",
            description = "Save the medium policy when an evaluation's mean return first reaches RETURN "
                    + "(default: R_random + (R_expert − R_random)/3 from the task's reference returns, D4RL-style).")
    Double mediumAt;

    @Option(names = "--medium-from", paramLabel = "STEP",
            description = "Do not train: make policy-medium.safetensors from snapshots/actor-STEP.safetensors and medium-replay.hdf5 "
                    + "from the checkpoint's first STEP transitions (for a run whose medium level was set too high), then exit.")
    Long mediumFrom;

    @Option(names = "--hidden", defaultValue = "256", description = "Hidden width of actor and critics (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--learning-starts", description = "Uniform-random warm-up steps (default: 1000 for pendulum, else 5000).")
    Integer learningStarts;

    @Option(names = "--lr", description = "Learning rate of actor, critic and α (default: 3e-4, SAC paper).")
    Float lr;

    @Option(names = "--gamma", description = "Discount γ (default: 0.99, SAC paper; rl-zoo uses 0.98 for BipedalWalker).")
    Float gamma;

    @Option(names = "--tau", description = "Polyak rate of the target critics (default: 0.005, SAC paper; rl-zoo BipedalWalker: 0.02).")
    Float tau;

    @Option(names = "--warmup-hold", defaultValue = "1",
            description = "Hold each uniform warm-up action for K steps (default: ${DEFAULT-VALUE}, i.i.d. as SB3).")
    int warmupHold;

    public static final String CHECKPOINT = "checkpoint.safetensors", EVALS = "evals.csv";
    static final String CSV_HEADER = "step,episodes,wall_s,return_mean,return_std,normalized,last_train_return,alpha,critic_loss";

    /** Evaluation seeds: episode k of every evaluation starts from reset(EVAL_SEED + k), the same each time. */
    public static final long EVAL_SEED = 1_000_000L;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        Tasks.Info info = Tasks.info(task);
        if (steps <= 0 || evalEvery <= 0 || evalEpisodes <= 0)
            throw new IllegalArgumentException("--steps, --eval-every and --eval-episodes must be positive");
        double medium = mediumAt != null ? mediumAt : info.randomReturn() + (info.expertReturn() - info.randomReturn()) / 3;
        Sac.Config cfg = Sac.Config.forTask(task).withHidden(hidden);
        if (learningStarts != null) cfg = cfg.withLearningStarts(learningStarts);
        if (lr != null) cfg = cfg.withLr(lr);
        if (gamma != null || tau != null) {
            float g = gamma != null ? gamma : cfg.gamma(), t = tau != null ? tau : cfg.tau();
            if (!(g > 0 && g <= 1) || !(t > 0 && t <= 1))
                throw new IllegalArgumentException("--gamma and --tau must be in (0, 1], got " + g + " and " + t);
            cfg = cfg.withTargets(g, t);
        }
        if (warmupHold < 1) throw new IllegalArgumentException("--warmup-hold must be at least 1, got " + warmupHold);
        cfg = cfg.withWarmupHold(warmupHold);
        Files.createDirectories(out.resolve("snapshots"));
        Path ckpt = out.resolve(CHECKPOINT), csv = out.resolve(EVALS);
        if (mediumFrom != null && (!resume || !Files.exists(ckpt))) // checked before anything in OUT is touched
            throw new IllegalArgumentException("--medium-from needs --resume and a checkpoint in " + out);

        try (Env env = Tasks.make(task); Env evalEnv = Tasks.make(task)) {
            Sac sac = new Sac(env, cfg, seed);
            double wall = 0, best = Double.NEGATIVE_INFINITY;
            boolean mediumSaved = false;
            if (Files.exists(ckpt) && !resume)
                throw new IllegalStateException(out + " already holds a checkpoint; pass --resume to continue it or choose another --out");
            if (resume && Files.exists(ckpt)) {
                StateDict d = StateDict.read(ckpt);
                sac.load(d);
                wall = d.getScalar("run.wall_s");
                best = d.getScalar("run.best_return");
                mediumSaved = Boolean.parseBoolean(d.meta.get("run.medium_saved"));
                truncateCsv(csv, sac.steps());
                log.printf("resumed %s at step %d (episode %d)%n", ckpt, sac.steps(), sac.episodes());
            } else {
                if (resume) log.printf("no checkpoint in %s: starting fresh%n", out);
                writeAtomic(csv, CSV_HEADER + "\n");
            }
            if (mediumFrom != null) return mediumFrom(sac, mediumFrom, log);
            log.printf(Locale.ROOT, "sac %s: seed %d, %s, backend %s, medium level %.2f%n", task, seed, cfg, Backends.get().name(), medium);
            log.flush();

            long t0 = System.nanoTime();
            double wallStart = wall;
            try (ProgressBar bar = progressBar(sac.steps(), wall)) {
                while (sac.steps() < steps) {
                    sac.step();
                    bar.stepTo(sac.steps());
                    boolean last = sac.steps() == steps;
                    if (sac.steps() % evalEvery != 0 && !last) continue;
                    wall = wallStart + (System.nanoTime() - t0) / 1e9;
                    Rollouts.Stats e = Rollouts.evaluate(evalEnv, sac.deterministicPolicy(), evalEpisodes, EVAL_SEED);
                    Map<String, Double> u = sac.lastUpdate();
                    appendCsv(csv, String.format(Locale.ROOT, "%d,%d,%.1f,%.4f,%.4f,%.2f,%.4f,%.5f,%.5f", sac.steps(), sac.episodes(), wall,
                            e.mean(), e.std(), info.normalizedScore(e.mean()), sac.lastEpisodeReturn(),
                            u.getOrDefault("alpha", Double.NaN), u.getOrDefault("critic_loss", Double.NaN)));
                    bar.setExtraMessage(String.format(Locale.ROOT, " eval %.1f", e.mean()));
                    Map<String, String> m = policyMeta(e, wall);
                    saveActor(sac, out.resolve("snapshots/actor-" + sac.steps() + ".safetensors"), "snapshot", m);
                    if (!mediumSaved && e.mean() >= medium) {
                        saveActor(sac, out.resolve("policy-medium.safetensors"), "medium", m);
                        Map<String, String> attrs = new LinkedHashMap<>(m);
                        attrs.put("kind", "medium-replay");
                        D4rlIO.write(out.resolve("medium-replay.hdf5"), sac.buffer.toDataset(sac.buffer.size(), sac.scale), attrs);
                        mediumSaved = true;
                        bar.pause();
                        log.printf(Locale.ROOT, "step %d: medium level %.2f reached (%.2f); saved policy-medium and medium-replay (%d transitions)%n",
                                sac.steps(), medium, e.mean(), sac.buffer.size());
                        log.flush();
                        bar.resume();
                    }
                    if (e.mean() > best) {
                        best = e.mean();
                        saveActor(sac, out.resolve("policy-expert.safetensors"), "expert", m);
                    }
                    if (last) saveActor(sac, out.resolve("policy-final.safetensors"), "final", m);
                    StateDict d = sac.state();
                    d.scalar("run.wall_s", wall).scalar("run.best_return", best);
                    d.meta.put("run.medium_saved", Boolean.toString(mediumSaved));
                    d.save(ckpt);
                }
            }
            log.printf(Locale.ROOT, "done: %d steps, best evaluation %.2f, %.0f s of training%n", sac.steps(), best,
                    wallStart + (System.nanoTime() - t0) / 1e9);
            log.flush();
        }
        return 0;
    }

    /** {@code --medium-from STEP}: the medium policy and medium-replay buffer of an earlier evaluation step. */
    private int mediumFrom(Sac sac, long step, PrintWriter log) throws IOException {
        Path snap = out.resolve("snapshots/actor-" + step + ".safetensors");
        if (!Files.exists(snap))
            throw new IllegalArgumentException("--medium-from " + step + ": no " + snap + " (snapshots are written every --eval-every steps)");
        if (step > sac.buffer.size())
            throw new IllegalArgumentException("--medium-from " + step + ": the checkpoint holds only " + sac.buffer.size() + " transitions");
        StateDict actor = StateDict.read(snap);
        actor.meta.put("kind", "medium");
        actor.save(out.resolve("policy-medium.safetensors"));
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("kind", "medium-replay");
        attrs.put("step", Long.toString(step));
        attrs.put("seed", Long.toString(seed));
        D4rlIO.write(out.resolve("medium-replay.hdf5"), sac.buffer.toDataset((int) step, sac.scale), attrs);
        log.printf(Locale.ROOT, "saved policy-medium (snapshot of step %d, eval return %s) and medium-replay (%d transitions) in %s%n",
                step, actor.meta.get("eval_return_mean"), step, out);
        log.flush();
        return 0;
    }

    private Map<String, String> policyMeta(Rollouts.Stats e, double wall) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("step", Long.toString(-1));
        m.put("seed", Long.toString(seed));
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
        Sac.actorFile(sac.learner.actor, sac.env, sac.cfg, m).save(file);
    }

    /** A bar on stderr; plain periodic lines (every 30 s) when stderr is not a terminal or CI is set. */
    private ProgressBar progressBar(long start, double wallSoFar) {
        boolean plain = System.console() == null || System.getenv("CI") != null;
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("sac " + task).setInitialMax(steps)
                .startsFrom(start, Duration.ofMillis((long) (wallSoFar * 1000))).showSpeed().setUnit(" steps", 1);
        if (plain) {
            b.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(30_000)
                    .setConsumer(new DelegatingProgressBarConsumer(System.err::println, 120));
        } else {
            b.setConsumer(new ConsoleProgressBarConsumer(System.err));
        }
        return b.build();
    }

    /** Drops CSV rows after {@code step} (written after the checkpoint a resumed run starts from). */
    private static void truncateCsv(Path csv, long step) throws IOException {
        if (!Files.exists(csv)) {
            writeAtomic(csv, CSV_HEADER + "\n");
            return;
        }
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.startsWith("step") || line.isBlank() || Long.parseLong(line.substring(0, line.indexOf(','))) <= step) keep.add(line);
        }
        writeAtomic(csv, String.join("\n", keep) + "\n");
    }

    private static void appendCsv(Path csv, String row) throws IOException {
        writeAtomic(csv, Files.readString(csv, StandardCharsets.UTF_8) + row + "\n");
    }

    private static void writeAtomic(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

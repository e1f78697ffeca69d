package forler.rl;

import forler.data.Dataset;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.Plots;
import forler.io.Progress;
import forler.io.RunDir;
import forler.io.RunLog;
import forler.io.StateDict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Single-machine offline training of one {@link Learner} (CQL, TD3+BC or SAC-N) on one dataset: S gradient steps,
 * an evaluation of the deterministic policy every E steps (and before the first step), CSV/JSON logs, a PNG
 * learning curve and an atomic checkpoint after every evaluation; {@code resume} continues from the checkpoint
 * with the same numbers an uninterrupted run gives.
 */
public final class OfflineTraining {
    /** The algorithms this runner knows. */
    public static final List<String> ALGOS = List.of("cql", "td3bc", "sacn");

    /** A run's settings (the {@code train} command's flags). */
    public record Options(
            String algo,        // cql | td3bc | sacn
            String task,
            int steps,          // S gradient steps in all
            int evalEvery,      // E: evaluate (and checkpoint) every E steps
            int evalEpisodes,
            long seed,
            Path out,
            boolean resume,
            int hidden,
            int depth,
            int batch,
            int heads,          // SAC-N's N
            boolean quiet) {    // no progress bar and no per-evaluation lines
        public Options {
            if (!ALGOS.contains(algo)) throw new IllegalArgumentException("unknown --algo '" + algo + "': choose one of " + String.join(", ", ALGOS));
            if (steps < 0) throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
            if (evalEvery < 1) throw new IllegalArgumentException("--eval-every must be >= 1, got " + evalEvery);
            if (evalEpisodes < 1) throw new IllegalArgumentException("--eval-episodes must be >= 1, got " + evalEpisodes);
            if (hidden < 1 || depth < 1) throw new IllegalArgumentException("--hidden and --depth must be >= 1, got " + hidden + " and " + depth);
            if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            if (heads < 1) throw new IllegalArgumentException("--heads must be >= 1, got " + heads);
        }

        /** The same run's settings at seed {@code seed}, written to {@code out}. */
        public Options forRun(long seed, Path out, boolean resume, boolean quiet) {
            return new Options(algo, task, steps, evalEvery, evalEpisodes, seed, out, resume, hidden, depth, batch, heads, quiet);
        }
    }

    /** Every setting in {@code o} that changes the numbers, by its {@code forler train} flag (--steps aside: a resumed run may go on). */
    public static Map<String, String> settings(Options o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--algo", o.algo());
        m.put("--task", o.task());
        m.put("--seed", Long.toString(o.seed()));
        m.put("--hidden", Integer.toString(o.hidden()));
        m.put("--depth", Integer.toString(o.depth()));
        m.put("--batch", Integer.toString(o.batch()));
        if (o.algo().equals("sacn")) m.put("--heads", Integer.toString(o.heads()));
        return m;
    }

    /**
     * --resume: refuses a setting that differs from the one the checkpoint in {@code out} records (nothing to
     * compare when there is no checkpoint); callers use it to refuse before loading any data.
     */
    public static void checkResume(Path out, Map<String, String> settings) throws IOException {
        Path ckpt = out.resolve(CHECKPOINT);
        if (Files.exists(ckpt)) checkSettings(StateDict.read(ckpt), settings, out);
    }

    private static void checkSettings(StateDict saved, Map<String, String> settings, Path out) {
        Map<String, String> recorded = new LinkedHashMap<>();
        saved.meta.forEach((k, v) -> { if (k.startsWith(SETTING + "--")) recorded.put(k.substring(SETTING.length()), v); });
        RunDir.checkSettings(settings, recorded, out);
    }

    /** The trained learner and every logged row. */
    public record Result(Learner learner, List<Map<String, Double>> rows) {}

    public static final String CHECKPOINT = "checkpoint.safetensors";
    /** Prefix of the settings in the checkpoint's metadata ({@code setting--seed}: "0"). */
    private static final String SETTING = "setting";

    private final Options o;
    private final Dataset raw;
    private final PrintStream log;
    private final Map<String, String> settings; // recorded in the checkpoint, compared on resume

    /** @param raw the dataset in task units (actions in the task's box) */
    public OfflineTraining(Options o, Dataset raw, PrintStream log) {
        this.o = o;
        this.raw = raw;
        this.log = log;
        this.settings = settings(o);
    }

    /** Also records (and on resume compares) the settings of the data, e.g. --data or --dataset-file, which the options do not hold. */
    public OfflineTraining recording(Map<String, String> dataSettings) {
        settings.putAll(dataSettings);
        return this;
    }

    /** The learner for {@code algo} with the run's network settings and the algorithm's other defaults. */
    public static Learner create(Options o, int obsDim, int actDim) {
        return switch (o.algo()) {
            case "cql" -> new Cql(obsDim, actDim, cqlConfig(o.hidden(), o.depth()), o.seed());
            case "td3bc" -> new Td3Bc(obsDim, actDim, Td3Bc.Config.defaults().withNet(o.hidden(), o.depth()), o.seed());
            case "sacn" -> new SacN(obsDim, actDim, SacN.Config.defaults().with(o.heads(), o.hidden(), o.depth(), 0f), o.seed());
            default -> throw new IllegalArgumentException("unknown --algo '" + o.algo() + "'");
        };
    }

    private static Cql.Config cqlConfig(int hidden, int depth) {
        Cql.Config d = Cql.Config.defaults();
        return new Cql.Config(hidden, depth, d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.alphaLr(), d.cqlWeight(),
                d.numSampled(), d.temperature());
    }

    /** TD3+BC normalises states with the dataset's statistics; CQL and SAC-N see raw states (CORL's defaults for SAC-N). */
    public static boolean normalizes(String algo) { return algo.equals("td3bc"); }

    /** Trains the learner {@link #create} builds for the options. */
    public Result run() throws IOException { return run(create(o, raw.obsDim(), raw.actDim())); }

    /**
     * Trains {@code learner}, built by the caller (e.g. with non-default hyper-parameters); it must be of the kind
     * {@code algo} names, whose name the checkpoint records.
     */
    public Result run(Learner learner) throws IOException {
        Tasks.Info info = Tasks.info(o.task());
        if (raw.obsDim() != info.obsDim() || raw.actDim() != info.actDim()) {
            throw new IllegalArgumentException("dataset has obs/act dims " + raw.obsDim() + "/" + raw.actDim() + " but task '" + o.task()
                    + "' has " + info.obsDim() + "/" + info.actDim() + ": pass the dataset of that task");
        }
        if (raw.size() == 0) throw new IllegalArgumentException("the dataset is empty");
        Files.createDirectories(o.out());
        Path ckpt = o.out().resolve(CHECKPOINT);
        try (Env env = Tasks.make(o.task())) {
            ActionScale scale = new ActionScale(env.actLow(), env.actHigh());
            Dataset.ObsStats norm = normalizes(o.algo()) ? raw.obsStats() : null;
            Transitions data = new DatasetTransitions(raw, scale, norm);
            Agent agent = new Agent(learner::act, norm, scale);
            RunLog runLog = new RunLog(o.out(), "train").info("algo", o.algo()).info("task", o.task()).info("seed", o.seed())
                    .info("dataset_size", raw.size()).info("steps", o.steps()).info("hidden", o.hidden()).info("depth", o.depth())
                    .info("batch", o.batch()).info("normalised_states", norm != null).info("score_reference",
                            info.projectOwn() ? "project's own random/expert returns" : "D4RL reference returns")
                    .info("eval_every", o.evalEvery()).info("eval_episodes", o.evalEpisodes());
            // every setting compared on --resume, the data's too (--data, --size, --data-seed or --dataset-file)
            settings.forEach((flag, v) -> runLog.info(RunLog.infoKey(flag), v));
            int start = 0;
            double wallBefore = 0;
            if (o.resume() && Files.exists(ckpt)) {
                StateDict s = StateDict.read(ckpt);
                String algo = s.meta.get("algo");
                if (!o.algo().equals(algo) || !o.task().equals(s.meta.get("task"))) {
                    throw new IllegalArgumentException("--resume: " + ckpt + " was written by --algo " + algo + " --task " + s.meta.get("task")
                            + ", not --algo " + o.algo() + " --task " + o.task() + "; use another --out");
                }
                checkSettings(s, settings, o.out());
                learner.load(s);
                start = (int) s.getScalar("step");
                List<Map<String, Double>> rows = RunLog.readCsv(o.out().resolve("train.csv"));
                rows.removeIf(r -> r.get("step") > (double) (int) s.getScalar("step"));
                runLog.restore(rows);
                wallBefore = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).getOrDefault("wall_s", 0.0);
                log.printf("resuming %s on %s from %s at step %d%n", o.algo(), o.task(), ckpt, start);
            } else if (o.resume()) {
                log.printf("--resume: no checkpoint at %s, starting from step 0%n", ckpt);
            }
            if (start > o.steps()) {
                throw new IllegalArgumentException("--resume: the checkpoint is at step " + start + ", past --steps " + o.steps());
            }
            long t0 = System.nanoTime();
            if (start == 0 && runLog.rows().isEmpty()) {
                evaluate(env, agent, info, 0, Map.of(), runLog, wallBefore);
                checkpoint(learner, 0, ckpt);
            }
            Map<String, Double> mean = new LinkedHashMap<>();
            int since = 0;
            try (Progress bar = o.quiet() ? null : new Progress(o.algo() + " " + o.task(), o.steps())) {
                if (bar != null && start > 0) bar.step(start, null);
                for (int step = start + 1; step <= o.steps(); step++) {
                    learner.update(data.sample(o.batch(), learner.rng())).forEach((k, v) -> mean.merge(k, v, Double::sum));
                    since++;
                    if (bar != null) bar.step(1, null);
                    if (step % o.evalEvery() == 0 || step == o.steps()) {
                        int n = since;
                        mean.replaceAll((k, v) -> v / n);
                        Map<String, Double> row = evaluate(env, agent, info, step, mean, runLog, wallBefore + (System.nanoTime() - t0) / 1e9);
                        checkpoint(learner, step, ckpt);
                        if (bar != null) bar.step(0, String.format("score %.1f", row.get("score")));
                        mean.clear();
                        since = 0;
                    }
                }
            }
            List<Map<String, Double>> rows = runLog.rows();
            Plots.fromRows(o.out().resolve("curve.png"), o.algo() + " on " + o.task() + " (seed " + o.seed() + ", " + raw.size()
                    + " transitions)", rows, "step", "normalised score", "score");
            return new Result(learner, rows);
        }
    }

    /** Evaluates the current policy (episode seeds fixed by the run's seed and the step), logs and prints a row. */
    private Map<String, Double> evaluate(Env env, Agent agent, Tasks.Info info, int step, Map<String, Double> losses, RunLog runLog,
                                         double wall) throws IOException {
        Rollouts.Stats st = Rollouts.evaluate(env, agent, o.evalEpisodes(), 1_000_000L * (o.seed() + 1) + step);
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("step", (double) step);
        row.put("score", info.normalizedScore(st.mean()));
        row.put("score_std", 100 * st.std() / (info.expertReturn() - info.randomReturn()));
        row.put("return", st.mean());
        row.put("return_std", st.std());
        row.put("wall_s", wall);
        losses.forEach(row::putIfAbsent);
        runLog.add(row);
        if (!o.quiet()) {
            log.printf("step %d: score %.1f ± %.1f (normalised: 0 = random, 100 = expert; return %.1f ± %.1f over %d episodes)%n", step, row.get("score"), row.get("score_std"),
                    st.mean(), st.std(), o.evalEpisodes());
        }
        return row;
    }

    private void checkpoint(Learner learner, int step, Path file) throws IOException {
        StateDict s = learner.state().scalar("step", step);
        s.meta.put("algo", o.algo());
        s.meta.put("task", o.task());
        settings.forEach((flag, v) -> s.meta.put(SETTING + flag, v));
        s.save(file);
    }
}

package forler.fed;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.engine.Tensor;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.Plots;
import forler.io.Progress;
import forler.io.RunDir;
import forler.io.RunLog;
import forler.io.StateDict;
import forler.rl.ActorRectification;
import forler.rl.Agent;
import forler.rl.Cql;
import forler.rl.DatasetTransitions;
import forler.rl.ForlerDevice;
import forler.rl.ForlerServer;
import forler.rl.Transitions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The in-process federated runtime: builds the devices' and the server's data, the method, then runs rounds
 * (devices in parallel threads), evaluating the global and the local policies after every round, logging
 * CSV/JSON, drawing the learning curve and checkpointing atomically; {@code resume} continues bit-exactly.
 */
public final class Federation {
    /** A run's settings (the CLI's flags). */
    public record Options(
            String algo,            // forler | fedcql | fedtd3bc | fedora | cql
            String task,
            int devices,            // K
            List<String> kinds,     // dataset kind per device, cycled (e.g. medium,expert)
            int perDevice,          // |D_k|
            int serverSize,         // |D_o|
            List<String> serverKinds, // kinds D_o is drawn from, in equal shares; empty = the devices' kinds
            int rounds,
            int localSteps,         // Γ (and G for FORLER's server)
            int evalEpisodes,
            long seed,
            Path out,
            boolean resume,
            int hidden,
            int depth,
            int batch,
            ActorRectification.Config rect,
            float alpha1,
            float alpha2,
            float omegaS,           // ω_s of FORLER's server (Eq. 6; docs/design.md §Server: default 1)
            int serverSteps,        // G, FORLER's server steps per round; 0 = Γ (docs/design.md §Server default)
            ForlerServer.Broadcast broadcast,
            boolean quiet) {

        /** G: {@code serverSteps}, or Γ when it is 0. */
        public int serverStepsOrLocal() { return serverSteps > 0 ? serverSteps : localSteps; }

        /** The kinds of D_o: {@code serverKinds}, or the distinct kinds of the devices when none are given. */
        public List<String> serverData() {
            return List.copyOf(new java.util.LinkedHashSet<>(serverKinds == null || serverKinds.isEmpty() ? kinds : serverKinds));
        }

        /**
         * Every setting that changes the run's numbers, by its {@code forler run} flag (--rounds aside: a resumed run
         * may go on longer). Recorded in the checkpoint and compared on --resume.
         */
        public Map<String, String> settings() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("--algo", algo);
            m.put("--task", task);
            m.put("--seed", Long.toString(seed));
            m.put("--devices", Integer.toString(devices));
            m.put("--data", String.join(",", kinds));
            m.put("--server-data", String.join(",", serverData()));
            m.put("--size", Integer.toString(perDevice));
            m.put("--server-size", Integer.toString(serverSize));
            m.put("--local-steps", Integer.toString(localSteps));
            m.put("--server-steps", Integer.toString(serverStepsOrLocal()));
            m.put("--omega-s", Float.toString(omegaS));
            m.put("--broadcast", broadcast.name().toLowerCase(java.util.Locale.ROOT));
            m.put("--delta", Integer.toString(rect.period()));
            m.put("--samples", Integer.toString(rect.samples()));
            m.put("--iterations", Integer.toString(rect.iterations()));
            m.put("--alpha1", Float.toString(alpha1));
            m.put("--alpha2", Float.toString(alpha2));
            m.put("--hidden", Integer.toString(hidden));
            m.put("--depth", Integer.toString(depth));
            m.put("--batch", Integer.toString(batch));
            m.put("--eval-episodes", Integer.toString(evalEpisodes));
            return m;
        }

        /** The same run with {@code resume} set. */
        public Options withResume(boolean r) {
            return new Options(algo, task, devices, kinds, perDevice, serverSize, serverKinds, rounds, localSteps, evalEpisodes, seed, out, r,
                    hidden, depth, batch, rect, alpha1, alpha2, omegaS, serverSteps, broadcast, quiet);
        }
    }

    /** The result of a run: the last round's row and every row. */
    public record Result(Map<String, Double> last, List<Map<String, Double>> rows) {}

    private final Options o;
    private final Function<DatasetBuilder.Request, Dataset> datasets;
    private final PrintStream log;

    /** @param datasets how a device's or the server's data is obtained (cached D4RL-style builds) */
    public Federation(Options o, Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) {
        this.o = o;
        this.datasets = datasets;
        this.log = log;
    }

    public Result run() throws Exception {
        Tasks.Info info = Tasks.info(o.task());
        // --resume: the checkpoint's settings are compared before any data is built
        Path ckpt = o.out().resolve("checkpoint.safetensors");
        StateDict resumed = o.resume() && Files.exists(ckpt) ? StateDict.read(ckpt) : null;
        if (resumed != null) RunDir.checkSettings(o.settings(), recordedSettings(resumed), o.out());
        Env env = Tasks.make(o.task());
        ActionScale scale = new ActionScale(env.actLow(), env.actHigh());
        // Data: device k gets kind kinds[k mod |kinds|], its own seed; D_o an equal share of every server kind (default: the devices' kinds).
        List<Dataset> raw = new ArrayList<>();
        for (int k = 0; k < o.devices(); k++) {
            raw.add(datasets.apply(new DatasetBuilder.Request(o.task(), kind(k), o.perDevice(), o.seed() * 100 + k, null)));
        }
        List<Dataset> serverParts = new ArrayList<>();
        for (String kd : o.serverData()) {
            int n = Math.max(1, o.serverSize() / o.serverData().size());
            serverParts.add(datasets.apply(new DatasetBuilder.Request(o.task(), DatasetBuilder.Kind.parse(kd), n, o.seed() * 100 + 99, null)));
        }
        Dataset.ObsStats norm = usesNormalisation() ? Dataset.concat(raw).obsStats() : null;
        List<Transitions> dev = new ArrayList<>();
        for (Dataset d : raw) dev.add(new DatasetTransitions(d, scale, norm));
        Transitions server = new DatasetTransitions(Dataset.concat(serverParts), scale, norm);
        Federated method = create(dev, server, scale.dim());

        Files.createDirectories(o.out());
        // rounds.json's info: every setting (keys as the flags, e.g. local_steps for --local-steps), then R and the score reference
        RunLog runLog = new RunLog(o.out(), "rounds");
        o.settings().forEach((flag, v) -> runLog.info(infoKey(flag), v));
        runLog.info("rounds", o.rounds()).info("score_reference", info.projectOwn() ? "project's own random/expert returns"
                : "D4RL reference returns");
        int start = 0;
        double qEvalsBefore = 0; // Q-evaluations of the rounds before a resume (the devices' counters start at 0)
        if (resumed != null) {
            method.load(resumed);
            start = (int) resumed.getScalar("round") + 1;
            Path csv = o.out().resolve("rounds.csv");
            List<Map<String, Double>> rows = RunLog.readCsv(csv);
            if (rows.size() < start) {
                throw new IOException(csv + " has " + rows.size() + " rounds but the checkpoint was written after " + start
                        + ": the log is damaged: restore it, or start the run again with --overwrite");
            }
            runLog.restore(rows.subList(0, start));
            qEvalsBefore = resumed.getScalar("q_evals", 0);
            log.printf("resuming %s from %s after round %d/%d%n", o.algo(), ckpt, start, o.rounds()); // rounds counted from 1 in the log
        } else if (o.resume() && !o.quiet()) {
            log.printf("--resume: no checkpoint at %s, starting from round 1%n", ckpt);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(o.devices(), Runtime.getRuntime().availableProcessors())));
        long t0 = System.nanoTime();
        try (Progress bar = new Progress(o.algo() + " " + o.task(), o.rounds())) {
            if (start > 0) bar.step(start, null);
            for (int r = start; r < o.rounds(); r++) {                                  // Algorithm 2 line 2 (t = round)
                Map<String, Double> m = method.round(r, pool);
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("round", (double) r);
                row.put("steps", (double) (r + 1) * o.localSteps());
                Rollouts.Stats g = evaluate(env, method::actGlobal, norm, scale, r);
                row.put("global_return", g.mean());
                row.put("global_score", info.normalizedScore(g.mean()));
                row.put("global_score_std", 100 * g.std() / (info.expertReturn() - info.randomReturn()));
                double localSum = 0;
                for (int k = 0; k < method.devices(); k++) {
                    int kk = k;
                    double s = info.normalizedScore(evaluate(env, obs -> method.actLocal(kk, obs), norm, scale, r).mean());
                    row.put("local_score_" + k, s);
                    localSum += s;
                }
                row.put("local_score_mean", localSum / method.devices());
                row.put("wall_s", (System.nanoTime() - t0) / 1e9);
                if (method instanceof Forler f) row.put("q_evals", qEvalsBefore + f.qEvaluations());
                m.forEach(row::putIfAbsent);
                runLog.add(row);
                StateDict s = method.state().scalar("round", r);
                if (row.containsKey("q_evals")) s.scalar("q_evals", row.get("q_evals"));
                o.settings().forEach((flag, v) -> s.meta.put(SETTING + flag, v));
                s.save(ckpt);
                bar.step(1, String.format("global %.1f local %.1f", row.get("global_score"), row.get("local_score_mean")));
                if (!o.quiet()) {
                    log.printf("round %d/%d: global score %.1f ± %.1f (return %.1f), local scores mean %.1f (scores normalised: 0 = random, 100 = expert)%n",
                            r + 1, o.rounds(), row.get("global_score"), row.get("global_score_std"), g.mean(), row.get("local_score_mean"));
                }
            }
        } finally {
            pool.shutdownNow();
            env.close();
        }
        List<Map<String, Double>> rows = runLog.rows();
        drawCurve(o.out(), o.algo(), o.task(), Long.toString(o.seed()), rows);
        return new Result(rows.isEmpty() ? Map.of() : rows.get(rows.size() - 1), rows);
    }

    /** A run's learning curve, {@code dir/curve.png}: the global and the devices' mean local score per round (also {@code forler report --curves}). */
    public static void drawCurve(Path dir, String algo, String task, String seed, List<Map<String, Double>> rows) throws java.io.IOException {
        Plots.fromRows(dir.resolve("curve.png"), algo + " on " + task + " (seed " + seed + ")", rows, "round", "normalised score",
                "global_score", "local_score_mean");
    }

    /** Prefix of the settings in a checkpoint's metadata ({@code setting--seed}: "0"). */
    private static final String SETTING = "setting";

    /** The settings a checkpoint records (none in checkpoints written before they were recorded). */
    private static Map<String, String> recordedSettings(StateDict s) {
        Map<String, String> m = new LinkedHashMap<>();
        s.meta.forEach((k, v) -> { if (k.startsWith(SETTING + "--")) m.put(k.substring(SETTING.length()), v); });
        return m;
    }

    /** rounds.json's key of a flag: --local-steps → local_steps. */
    public static String infoKey(String flag) { return flag.substring(2).replace('-', '_'); }

    /** 3 hidden layers for the MuJoCo-size tasks, 2 otherwise (docs/design.md §Networks and defaults). */
    public static int defaultDepth(String task) {
        return List.of("hopper", "walker2d", "halfcheetah", "ant").contains(task) ? 3 : 2;
    }

    private DatasetBuilder.Kind kind(int k) { return DatasetBuilder.Kind.parse(o.kinds().get(k % o.kinds().size())); }

    private boolean usesNormalisation() { return o.algo().equals("fedtd3bc") || o.algo().equals("fedora"); }

    private Rollouts.Stats evaluate(Env env, UnaryOperator<Tensor> net, Dataset.ObsStats norm, ActionScale scale, int round) {
        return Rollouts.evaluate(env, new Agent(net, norm, scale), o.evalEpisodes(), 1_000_000L * (o.seed() + 1) + round * 1000L);
    }

    private Federated create(List<Transitions> dev, Transitions server, int actDim) {
        int depth = o.depth();
        switch (o.algo()) {
            case "forler": {
                ForlerDevice.Config d = ForlerDevice.Config.defaults();
                d = new ForlerDevice.Config(o.hidden(), depth, d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.cqlWeight(),
                        d.cqlSamples(), d.cqlNoise(), o.alpha1(), o.alpha2(), o.batch());
                return new Forler(dev, server, new Forler.Config(o.localSteps(), o.serverStepsOrLocal(), o.omegaS(), o.broadcast(), d, o.rect()), o.seed());
            }
            case "fedcql":
                return new FedCql("fedcql", dev, cqlConfig(), o.localSteps(), o.batch(), o.seed());
            case "fedtd3bc":
                return new FedTd3Bc(dev, forler.rl.Td3Bc.Config.defaults().withNet(o.hidden(), depth), o.localSteps(), o.batch(), o.seed());
            case "fedora":
                return new Fedora(dev, Fedora.Config.defaults(forler.rl.Td3Bc.Config.defaults().withNet(o.hidden(), depth),
                        o.localSteps(), o.batch()), o.seed());
            case "cql": {
                List<Transitions> pooled = List.of(pool(dev));
                return new FedCql("cql", pooled, cqlConfig(), o.localSteps(), o.batch(), o.seed());
            }
            default:
                throw new IllegalArgumentException("unknown --algo '" + o.algo() + "': choose forler, fedcql, fedtd3bc, fedora or cql");
        }
    }

    private Cql.Config cqlConfig() {
        Cql.Config d = Cql.Config.defaults();
        return new Cql.Config(o.hidden(), o.depth(), d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.alphaLr(), d.cqlWeight(),
                d.numSampled(), d.temperature());
    }

    /** Centralized CQL's data: every device's transitions pooled. */
    private static Transitions pool(List<Transitions> dev) {
        List<Dataset> parts = new ArrayList<>();
        for (Transitions t : dev) parts.add(((DatasetTransitions) t).dataset());
        Dataset all = Dataset.concat(parts);
        float[] unitLow = new float[all.actDim()], unitHigh = new float[all.actDim()];
        java.util.Arrays.fill(unitLow, -1f);
        java.util.Arrays.fill(unitHigh, 1f);
        return new DatasetTransitions(all, new ActionScale(unitLow, unitHigh), null);
    }
}

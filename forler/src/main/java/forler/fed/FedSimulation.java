package forler.fed;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.engine.Tensor;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.AtomicFiles;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The in-process federated runtime: builds the devices' and the server's data, the method, then runs rounds
 * (devices in parallel threads), evaluating the global and the local policies every {@code --eval-every} rounds,
 * logging CSV/JSON, drawing the learning curve and checkpointing atomically; {@code resume} continues bit-exactly.
 *
 * <p>One harness for every method (docs/design.md §Federation):
 * <ul>
 *   <li>State normalisation ({@link ObsNorm}, {@code --obs-norm server}): every network, the devices' included,
 *       normalises states with the statistics of the server's data D_o, so the averaged and stacked networks share
 *       one input frame and no statistic leaves a device; centralized CQL with its own, pooled, data.</li>
 *   <li>Gradient steps: Γ local steps per device per round; centralized CQL, one learner on the pooled data,
 *       K·Γ per round (the federated methods' total), so that it is the upper reference it is meant to be.</li>
 *   <li>The same network sizes (--hidden, --depth, --batch) and the same evaluation (episodes, seeds per round).</li>
 * </ul>
 *
 * <p>Threads: the devices of a round train on {@code --device-threads} threads (default min(K, processors)); with
 * fewer threads than devices the threads take the devices' steps in chunks, always the device furthest behind
 * ({@link LocalTraining}), so that every core trains one device at a time until the round's end. When there are at
 * least as many device threads as processors, each device's products stay on the thread that runs it (one task per
 * core, no hand-off of small products); with fewer, they may use the GEMM backend's threads ({@code -Dforler.threads},
 * shared by all devices). docs/throughput.md gives the measurements behind the default.
 * Every device computes on its own state, its steps in order, and the results are gathered in device order, so the
 * bits are the same whatever the split. rounds.csv gives the round's time by phase: device_s (all devices' local training, wall
 * time), rectify_s (FORLER: the rectification inside it, mean per device), server_s, eval_s and checkpoint_s.
 */
public final class FedSimulation {
    /**
     * A run's settings (the CLI's flags): {@link #defaults()} (the {@code forler run} defaults) edited with the
     * {@code with…} methods, each returning a copy. A new setting is one field here with its default, its accessor
     * and its {@code with} method (and, when it changes the numbers, its line in {@link #settings()}).
     */
    public static final class Options implements Cloneable {
        private String algo = "forler";          // forler | fedcql | fedtd3bc | fedora | cql
        private String task = "pendulum";
        private int devices = 3;                 // K
        private List<String> kinds = List.of("medium", "medium-replay", "expert"); // dataset kind per device, cycled
        private int perDevice = 5000;            // |D_k|
        private int serverSize = 1000;           // |D_o|
        private List<String> serverKinds = List.of(); // kinds D_o is drawn from, in equal shares; empty = the devices' kinds
        private int rounds = 10;
        private int localSteps = 100;            // Γ (and G for FORLER's server unless serverSteps)
        private int evalEpisodes = 5;
        private int evalEvery = 1;               // evaluate the policies every N rounds (and after the last round)
        private long seed = 0;
        private Path out = Path.of("runs", "run");
        private boolean resume = false;
        private int hidden = 256;
        private int depth = 0;                   // hidden layers; 0 = the task's default (defaultDepth)
        private int batch = 256;
        private ActorRectification.Config rect = ActorRectification.Config.defaults();
        private float alpha1 = 0.5f;
        private float alpha2 = 0.1f;
        private float omegaS = 1f;               // ω_s of FORLER's server (Eq. 6; docs/design.md §Server: default 1)
        private boolean omegaSPerHead = false;   // ω_s's gap summed over the 2K heads (as ω_c) instead of averaged
        private int serverSteps = 0;             // G, FORLER's server steps per round; 0 = Γ (docs/design.md §Server default)
        private ForlerServer.Broadcast broadcast = ForlerServer.Broadcast.AVERAGE;
        private ObsNorm obsNorm = ObsNorm.SERVER;   // state normalisation rule (see the class comment)
        private int deviceThreads = 0;           // threads training the devices; 0 = min(learners, processors) ({@link LocalTraining})
        private Adversary adversary = Adversary.NONE; // the last device's poisoning of its critic uploads (docs/design.md §Adversarial devices)
        private boolean rejectOutliers = false;  // the server's outlier check on the uploaded critics ({@link Uploads})
        private boolean quiet = false;
        private int keepFrom = -1;              // --keep-checkpoints: a copy of every round's checkpoint from this round on (-1: none); changes no number

        private Options() {}

        /** The {@code forler run} defaults. */
        public static Options defaults() { return new Options(); }

        private Options edit(java.util.function.Consumer<Options> change) {
            try {
                Options o = (Options) clone();
                change.accept(o);
                return o;
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        public String algo() { return algo; }
        public String task() { return task; }
        public int devices() { return devices; }
        public List<String> kinds() { return kinds; }
        public int perDevice() { return perDevice; }
        public int serverSize() { return serverSize; }
        public List<String> serverKinds() { return serverKinds; }
        public int rounds() { return rounds; }
        public int localSteps() { return localSteps; }
        public int evalEpisodes() { return evalEpisodes; }
        public int evalEvery() { return evalEvery; }
        public long seed() { return seed; }
        public Path out() { return out; }
        public boolean resume() { return resume; }
        public int hidden() { return hidden; }
        /** Hidden layers: as set, or the task's default. */
        public int depth() { return depth > 0 ? depth : defaultDepth(task); }
        public int batch() { return batch; }
        public ActorRectification.Config rect() { return rect; }
        public float alpha1() { return alpha1; }
        public float alpha2() { return alpha2; }
        public float omegaS() { return omegaS; }
        public boolean omegaSPerHead() { return omegaSPerHead; }
        public int serverSteps() { return serverSteps; }
        public ForlerServer.Broadcast broadcast() { return broadcast; }
        public ObsNorm obsNorm() { return obsNorm; }
        public int deviceThreads() { return deviceThreads; }
        public Adversary adversary() { return adversary; }
        public boolean rejectOutliers() { return rejectOutliers; }
        public boolean quiet() { return quiet; }
        public int keepFrom() { return keepFrom; }

        public Options withAlgo(String v) { return edit(o -> o.algo = v); }
        public Options withTask(String v) { return edit(o -> o.task = v); }
        public Options withDevices(int v) { return edit(o -> o.devices = v); }
        public Options withKinds(List<String> v) { return edit(o -> o.kinds = List.copyOf(v)); }
        public Options withPerDevice(int v) { return edit(o -> o.perDevice = v); }
        public Options withServerSize(int v) { return edit(o -> o.serverSize = v); }
        public Options withServerKinds(List<String> v) { return edit(o -> o.serverKinds = List.copyOf(v)); }
        public Options withRounds(int v) { return edit(o -> o.rounds = v); }
        public Options withLocalSteps(int v) { return edit(o -> o.localSteps = v); }
        public Options withEvalEpisodes(int v) { return edit(o -> o.evalEpisodes = v); }
        public Options withEvalEvery(int v) { return edit(o -> o.evalEvery = v); }
        public Options withSeed(long v) { return edit(o -> o.seed = v); }
        public Options withOut(Path v) { return edit(o -> o.out = v); }
        public Options withResume(boolean v) { return edit(o -> o.resume = v); }
        public Options withHidden(int v) { return edit(o -> o.hidden = v); }
        public Options withDepth(int v) { return edit(o -> o.depth = v); }
        public Options withBatch(int v) { return edit(o -> o.batch = v); }
        public Options withRect(ActorRectification.Config v) { return edit(o -> o.rect = v); }
        public Options withAlpha1(float v) { return edit(o -> o.alpha1 = v); }
        public Options withAlpha2(float v) { return edit(o -> o.alpha2 = v); }
        public Options withOmegaS(float v) { return edit(o -> o.omegaS = v); }
        public Options withOmegaSPerHead(boolean v) { return edit(o -> o.omegaSPerHead = v); }
        public Options withServerSteps(int v) { return edit(o -> o.serverSteps = v); }
        public Options withBroadcast(ForlerServer.Broadcast v) { return edit(o -> o.broadcast = v); }
        public Options withObsNorm(ObsNorm v) { return edit(o -> o.obsNorm = v); }
        public Options withDeviceThreads(int v) { return edit(o -> o.deviceThreads = v); }
        public Options withAdversary(Adversary v) { return edit(o -> o.adversary = v); }
        public Options withRejectOutliers(boolean v) { return edit(o -> o.rejectOutliers = v); }
        public Options withQuiet(boolean v) { return edit(o -> o.quiet = v); }
        public Options withKeepCheckpoints(int fromRound) { return edit(o -> o.keepFrom = fromRound); }

        /** G: {@code serverSteps}, or Γ when it is 0. */
        public int serverStepsOrLocal() { return serverSteps > 0 ? serverSteps : localSteps; }

        /** The kinds of D_o: {@code serverKinds}, or the distinct kinds of the devices when none are given. */
        public List<String> serverData() {
            return List.copyOf(new java.util.LinkedHashSet<>(serverKinds == null || serverKinds.isEmpty() ? kinds : serverKinds));
        }

        /**
         * Threads training the devices of a round: {@code deviceThreads}, or when 0 min(learners, processors), where
         * centralized CQL has one learner: its products then use the GEMM backend's threads (on 2 cores 1.7 s per
         * hopper round of 300 steps against 2.5–2.7 s with the learner's products kept on one of 2 device threads).
         */
        public int deviceThreadsOrDefault() {
            int learners = algo.equals("cql") ? 1 : devices;
            return deviceThreads > 0 ? deviceThreads : Math.max(1, Math.min(learners, Runtime.getRuntime().availableProcessors()));
        }

        /**
         * Every setting that changes the run's numbers, by its {@code forler run} flag (--rounds aside: a resumed run
         * may go on longer; --eval-every and --device-threads change no numbers). Recorded in the checkpoint and
         * compared on --resume.
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
            m.put("--omega-s-per-head", Boolean.toString(omegaSPerHead));
            m.put("--broadcast", broadcast.flag());
            m.put("--obs-norm", obsNorm.flag());
            m.put("--delta", Integer.toString(rect.period()));
            m.put("--samples", Integer.toString(rect.samples()));
            m.put("--iterations", Integer.toString(rect.iterations()));
            m.put("--search-temp", rect.temperature().flag());
            m.put("--search-init", rect.initFlag());
            m.put("--search-init-std", Float.toString(rect.initStd()));
            m.put("--alpha1", Float.toString(alpha1));
            m.put("--alpha2", Float.toString(alpha2));
            m.put("--hidden", Integer.toString(hidden));
            m.put("--depth", Integer.toString(depth()));
            m.put("--batch", Integer.toString(batch));
            m.put("--eval-episodes", Integer.toString(evalEpisodes));
            m.put("--adversary", adversary.flag());
            m.put("--reject-outliers", Boolean.toString(rejectOutliers));
            return m;
        }
    }

    /**
     * Settings recorded only since they were added, with the value every run recorded without them was made with
     * (a run's recorded settings are completed with these before they are compared).
     */
    public static final Map<String, String> LATER_SETTINGS = Map.of("--adversary", Adversary.NONE.flag(), "--reject-outliers", "false",
            "--search-init", "zero", "--search-init-std", "2.0");

    /** The result of a run: the last round's row and every row. */
    public record Result(Map<String, Double> last, List<Map<String, Double>> rows) {}

    private final Options o;
    private final Function<DatasetBuilder.Request, Dataset> datasets;
    private final PrintStream log;

    /** @param datasets how a device's or the server's data is obtained (cached D4RL-style builds) */
    public FedSimulation(Options o, Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) {
        this.o = o;
        this.datasets = datasets;
        this.log = log;
    }

    public Result run() throws Exception {
        Tasks.Info info = Tasks.info(o.task());
        // --resume: the checkpoint's settings are compared before any data is built
        Path ckpt = o.out().resolve("checkpoint.safetensors");
        StateDict resumed = o.resume() && Files.exists(ckpt) ? StateDict.read(ckpt) : null;
        if (resumed != null) RunDir.checkSettings(o.settings(), recordedSettings(resumed, o.algo()), o.out());
        Setup setup = setup();
        Env env = setup.env();
        ActionScale scale = setup.scale();
        ObsNorm.Stats norm = setup.norm();
        FedMethod method = setup.method();
        int stepsPerRound = setup.stepsPerRound();

        Files.createDirectories(o.out());
        // rounds.json's info: every setting (keys as the flags, e.g. local_steps for --local-steps), then R and the score reference
        RunLog runLog = new RunLog(o.out(), "rounds");
        o.settings().forEach((flag, v) -> runLog.info(infoKey(flag), v));
        runLog.info("rounds", o.rounds()).info("eval_every", o.evalEvery()).info("score_reference", info.projectOwn()
                ? "project's own random/expert returns" : "D4RL reference returns");
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
        if (start == 0 && o.keepFrom() >= 0) clearKept(o.out()); // a fresh run: no kept copy of an earlier one stays
        ExecutorService pool = devicePool(o.deviceThreadsOrDefault());
        BlockingQueue<Env> envs = new LinkedBlockingQueue<>(List.of(env)); // the evaluations' environments
        long t0 = System.nanoTime();
        try (Progress bar = new Progress(o.algo() + " " + o.task(), o.rounds())) {
            if (start > 0) bar.step(start, null);
            for (int r = start; r < o.rounds(); r++) {                                  // Algorithm 2 line 2 (t = round)
                Map<String, Double> m = method.round(r, pool);
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("round", (double) r);
                row.put("steps", (double) (r + 1) * stepsPerRound);
                long tEval = System.nanoTime();
                boolean evaluated = evaluates(r);
                List<Rollouts.Stats> ev = evaluated ? evaluate(envs, method, norm, scale, r, pool) : null; // global, then device 0 … K−1
                Rollouts.Stats g = evaluated ? ev.get(0) : null;
                row.put("global_return", evaluated ? g.mean() : Double.NaN);
                row.put("global_score", evaluated ? info.normalizedScore(g.mean()) : Double.NaN);
                row.put("global_score_std", evaluated ? 100 * g.std() / (info.expertReturn() - info.randomReturn()) : Double.NaN);
                double localSum = 0;
                for (int k = 0; k < method.devices(); k++) {
                    double s = evaluated ? info.normalizedScore(ev.get(1 + k).mean()) : Double.NaN;
                    row.put("local_score_" + k, s);
                    localSum += s;
                }
                row.put("local_score_mean", localSum / method.devices());
                double evalS = (System.nanoTime() - tEval) / 1e9;
                row.put("wall_s", (System.nanoTime() - t0) / 1e9);
                // the round's time by phase (device_s, rectify_s, server_s from the method; rectify_s is inside device_s)
                for (String t : List.of("device_s", "rectify_s", "server_s")) if (m.containsKey(t)) row.put(t, m.get(t));
                row.put("eval_s", evalS);
                row.put("checkpoint_s", Double.NaN); // filled in once the checkpoint is written
                if (method instanceof Forler f) row.put("q_evals", qEvalsBefore + f.qEvaluations());
                m.forEach(row::putIfAbsent);
                runLog.add(row);
                long tCkpt = System.nanoTime();
                StateDict s = method.state().scalar("round", r);
                if (row.containsKey("q_evals")) s.scalar("q_evals", row.get("q_evals"));
                o.settings().forEach((flag, v) -> s.meta.put(SETTING + flag, v));
                s.save(ckpt);
                if (o.keepFrom() >= 0 && r >= o.keepFrom()) AtomicFiles.writeBytes(kept(o.out(), r), Files.readAllBytes(ckpt)); // for `forler inspect`
                List<Map<String, Double>> logged = runLog.rows();
                logged.get(logged.size() - 1).put("checkpoint_s", (System.nanoTime() - tCkpt) / 1e9);
                runLog.flush();
                bar.step(1, evaluated ? String.format("global %.1f local %.1f", row.get("global_score"), row.get("local_score_mean")) : null);
                if (!o.quiet() && evaluated) {
                    log.printf("round %d/%d: global score %.1f ± %.1f (return %.1f), local scores mean %.1f (scores normalised: 0 = random, 100 = expert)%n",
                            r + 1, o.rounds(), row.get("global_score"), row.get("global_score_std"), g.mean(), row.get("local_score_mean"));
                }
            }
        } finally {
            pool.shutdownNow();
            for (Env e : envs) e.close();
        }
        List<Map<String, Double>> rows = runLog.rows();
        drawCurve(o.out(), o.algo(), o.task(), Long.toString(o.seed()), rows);
        return new Result(rows.isEmpty() ? Map.of() : rows.get(rows.size() - 1), rows);
    }

    /**
     * What a run is made of, built from the options: the task's environment, the devices' and the server's data
     * (normalised by the --obs-norm rule) and the method, untrained; {@code stepsPerRound} is each learner's Γ
     * (centralized CQL's K·Γ).
     */
    public record Setup(Env env, ActionScale scale, ObsNorm.Stats norm, List<Transitions> devices, Transitions server,
                        FedMethod method, int stepsPerRound) {}

    /** Builds the run's {@link Setup}: data (cached D4RL-style builds), state statistics and the method. */
    public Setup setup() {
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
        Dataset serverRaw = Dataset.concat(serverParts);
        // Centralized CQL: one learner on every device's data pooled; it is its own server.
        boolean centralized = o.algo().equals("cql");
        int stepsPerRound = centralized ? o.devices() * o.localSteps() : o.localSteps(); // each learner's
        List<Dataset> learnerRaw = centralized ? List.of(Dataset.concat(raw)) : raw;
        ObsNorm.Stats norm = o.obsNorm().stats(learnerRaw, centralized ? null : serverRaw);
        List<Transitions> dev = new ArrayList<>();
        for (int k = 0; k < learnerRaw.size(); k++) dev.add(new DatasetTransitions(learnerRaw.get(k), scale, norm.learners().get(k)));
        Transitions server = new DatasetTransitions(serverRaw, scale, norm.global());
        return new Setup(env, scale, norm, dev, server, create(dev, server), stepsPerRound);
    }

    /**
     * Reads {@code checkpoint} (written by a run of these options: its recorded settings are compared) into
     * {@code setup}'s method, for looking inside a run ({@code forler inspect}) without training it; returns the
     * round after which it was written (counted from 0).
     */
    public int load(Setup setup, Path checkpoint) throws IOException {
        StateDict s = StateDict.read(checkpoint);
        Map<String, String> recorded = recordedSettings(s, o.algo());
        for (Map.Entry<String, String> e : o.settings().entrySet()) {
            String was = recorded.get(e.getKey());
            if (was == null || !was.equals(e.getValue())) {
                throw new IllegalArgumentException(checkpoint + " is not of this run: " + e.getKey() + " " + (was == null ? "not recorded" : was)
                        + ", not " + e.getValue() + ": give the checkpoints of one run");
            }
        }
        setup.method().load(s);
        return (int) s.getScalar("round");
    }

    /** The settings {@code checkpoint} records, by their {@code forler run} flag (empty for checkpoints older than that record). */
    public static Map<String, String> recordedSettings(Path checkpoint) throws IOException {
        return recordedSettings(StateDict.read(checkpoint), "");
    }

    /** Where --keep-checkpoints keeps the checkpoint written after round r (counted from 0): {@code checkpoints/round-<r>.safetensors}. */
    public static Path kept(Path out, int round) { return out.resolve("checkpoints").resolve("round-" + round + ".safetensors"); }

    /** Deletes the checkpoints kept in {@code out/checkpoints} (a fresh run's start). */
    private static void clearKept(Path out) throws IOException {
        Path dir = out.resolve("checkpoints");
        if (!Files.isDirectory(dir)) return;
        try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir, "round-*.safetensors")) {
            for (Path p : s) Files.delete(p);
        }
    }

    /** A run's learning curve, {@code dir/curve.png}: the global and the devices' mean local score per round (also {@code forler report --curves}). */
    public static void drawCurve(Path dir, String algo, String task, String seed, List<Map<String, Double>> rows) throws java.io.IOException {
        Plots.fromRows(dir.resolve("curve.png"), algo + " on " + task + " (seed " + seed + ")", rows, "round", "normalised score",
                "global_score", "local_score_mean");
    }

    /**
     * The threads that train a round's devices; when there are at least as many as processors, each keeps its
     * products on itself ({@link forler.engine.Backend#keepOnCallingThread}), see the class comment.
     */
    static ExecutorService devicePool(int threads) {
        boolean keep = threads >= Runtime.getRuntime().availableProcessors();
        java.util.concurrent.ThreadFactory base = Executors.defaultThreadFactory();
        return Executors.newFixedThreadPool(threads, body -> base.newThread(() -> {
            forler.engine.Backends.get().keepOnCallingThread(keep);
            body.run();
        }));
    }

    /** True when round r evaluates the policies: every {@code --eval-every} rounds, and the last round. */
    boolean evaluates(int r) { return (r + 1) % o.evalEvery() == 0 || r == o.rounds() - 1; }

    /** Prefix of the settings in a checkpoint's metadata ({@code setting--seed}: "0"). */
    private static final String SETTING = "setting";

    /**
     * The settings a checkpoint records (none in checkpoints written before they were recorded); one that
     * records settings but not --obs-norm was made with {@link ObsNorm#former}.
     */
    private static Map<String, String> recordedSettings(StateDict s, String algo) {
        Map<String, String> m = new LinkedHashMap<>();
        s.meta.forEach((k, v) -> { if (k.startsWith(SETTING + "--")) m.put(k.substring(SETTING.length()), v); });
        if (!m.isEmpty()) m.putIfAbsent("--obs-norm", ObsNorm.former(m.getOrDefault("--algo", algo)).flag());
        if (!m.isEmpty()) LATER_SETTINGS.forEach(m::putIfAbsent);
        return m;
    }

    /** rounds.json's key of a flag: --local-steps → local_steps. */
    public static String infoKey(String flag) { return RunLog.infoKey(flag); }

    /** 3 hidden layers for the MuJoCo-size tasks, 2 otherwise (docs/design.md §Networks and defaults). */
    public static int defaultDepth(String task) {
        return List.of("hopper", "walker2d", "halfcheetah", "ant").contains(task) ? 3 : 2;
    }

    private DatasetBuilder.Kind kind(int k) { return DatasetBuilder.Kind.parse(o.kinds().get(k % o.kinds().size())); }

    /**
     * The global policy and every device's own policy, {@code --eval-episodes} episodes each, as tasks on the device
     * threads (each with an environment of its own from {@code envs}, made when none is free and kept for later
     * rounds): every policy gets the same episode seeds for the round, so the split changes no number.
     */
    private List<Rollouts.Stats> evaluate(BlockingQueue<Env> envs, FedMethod method, ObsNorm.Stats norm,
                                          ActionScale scale, int round, ExecutorService pool) throws Exception {
        long seed = evalSeed(o.seed(), round);
        List<Future<Rollouts.Stats>> jobs = new ArrayList<>();
        for (int k = -1; k < method.devices(); k++) {
            Agent agent = agent(method, k, norm, scale);
            jobs.add(pool.submit(() -> {
                Env e = envs.poll();
                if (e == null) e = Tasks.make(o.task());
                try {
                    return Rollouts.evaluate(e, agent, o.evalEpisodes(), seed);
                } finally {
                    envs.add(e);
                }
            }));
        }
        List<Rollouts.Stats> stats = new ArrayList<>();
        for (Future<Rollouts.Stats> f : jobs) stats.add(f.get());
        return stats;
    }

    /** The seed of the episodes that evaluate round r (counted from 0) of a run of seed {@code seed}; every policy gets the same. */
    public static long evalSeed(long seed, int round) { return 1_000_000L * (seed + 1) + round * 1000L; }

    /** Policy k as it acts in the task (k = −1: the global policy): its states normalised as it learnt them, its actions scaled to the task's box. */
    public static Agent agent(FedMethod method, int k, ObsNorm.Stats norm, ActionScale scale) {
        UnaryOperator<Tensor> net = k < 0 ? method::actGlobal : obs -> method.actLocal(k, obs);
        return new Agent(net, k < 0 ? norm.global() : norm.learners().get(k), scale);
    }

    private FedMethod create(List<Transitions> dev, Transitions server) {
        int depth = o.depth();
        if (o.algo().equals("cql") && (o.adversary() != Adversary.NONE || o.rejectOutliers())) {
            throw new IllegalArgumentException("--adversary and --reject-outliers need devices that upload critics: not --algo cql (one learner)");
        }
        Uploads up = Uploads.of(o.adversary(), o.rejectOutliers(), server, o.seed() * 1000 + 998,
                o.quiet() ? new PrintStream(java.io.OutputStream.nullOutputStream()) : log);
        switch (o.algo()) {
            case "forler": {
                ForlerDevice.Config d = ForlerDevice.Config.defaults();
                d = new ForlerDevice.Config(o.hidden(), depth, d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.cqlWeight(),
                        d.cqlSamples(), d.cqlNoise(), o.alpha1(), o.alpha2(), o.batch());
                return new Forler(dev, server, new Forler.Config(o.localSteps(), o.serverStepsOrLocal(), o.omegaS(), o.omegaSPerHead(),
                        o.broadcast(), d, o.rect()), o.seed(), up);
            }
            case "fedcql":
                return new FedCql("fedcql", dev, cqlConfig(), o.localSteps(), o.batch(), o.seed(), up);
            case "fedtd3bc":
                return new FedTd3Bc(dev, forler.rl.Td3Bc.Config.defaults().withNet(o.hidden(), depth), o.localSteps(), o.batch(), o.seed(), up);
            case "fedora":
                return new Fedora(dev, Fedora.Config.defaults(forler.rl.Td3Bc.Config.defaults().withNet(o.hidden(), depth),
                        o.localSteps(), o.batch()), o.seed(), up);
            case "cql": // one learner on the pooled data, K·Γ steps per round: the federated methods' total budget
                return new FedCql("cql", dev, cqlConfig(), o.devices() * o.localSteps(), o.batch(), o.seed());
            default:
                throw new IllegalArgumentException("unknown --algo '" + o.algo() + "': choose forler, fedcql, fedtd3bc, fedora or cql");
        }
    }

    private Cql.Config cqlConfig() {
        Cql.Config d = Cql.Config.defaults();
        return new Cql.Config(o.hidden(), o.depth(), d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.alphaLr(), d.cqlWeight(),
                d.numSampled(), d.temperature());
    }
}

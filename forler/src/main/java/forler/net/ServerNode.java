package forler.net;

import forler.engine.Rng;
import forler.engine.nn.Modules;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.io.RunLog;
import forler.io.StateDict;
import forler.net.proto.Broadcast;
import forler.net.proto.FetchRequest;
import forler.net.proto.HelloRequest;
import forler.net.proto.Settings;
import forler.net.proto.CriticUpload;
import forler.net.proto.UploadReply;
import forler.net.proto.Weights;
import forler.rl.Agent;
import forler.rl.ForlerDevice;
import forler.rl.ForlerServer;
import forler.rl.QEnsemble;
import forler.rl.SacN;
import forler.rl.Transitions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * FORLER's server across processes (paper Algorithm 2 lines 1, 14–19; docs/design.md §Federation): the round loop of
 * {@link forler.fed.Forler} with the devices on the other side of {@link GrpcServer}. It reuses
 * {@link ForlerServer} for the aggregation, so a run in which every device uploads every round gives the same
 * bits as the in-process runtime for the same seed.
 *
 * <p>A round r: open (π_o and each device's critic pair become fetchable; the deadline starts) → devices fetch,
 * train Γ steps and upload → the round closes when all K devices have an accepted upload, or at the deadline
 * if at least {@code minDevices} have (otherwise the deadline is extended, logged) → the K' ≤ K received
 * critics, in device-id order, are stacked into 2K' heads and trained G steps (Eqs. 6–7) → broadcast → the
 * global policy is evaluated → checkpoint (atomic) → round r + 1.
 *
 * <p>A missing device: the server's ensemble has 2K' heads that round (SAC-N's min over heads simply runs over
 * fewer heads; nothing is padded or reused from an earlier round). With {@code --broadcast average} every
 * device, the missing ones too, receives the average of the K' updated pairs; with {@code own} (or {@code mix}) a
 * device that uploaded receives its own updated pair (or its mean with the average), a missing one keeps the pair it
 * was last sent. A device may rejoin
 * at any later round: it fetches the open round's weights like any other device.
 *
 * <p>States are normalised as in the in-process runtime ({@link forler.fed.ObsNorm}, sent in {@link Settings}): under
 * {@code --obs-norm server} (default) and {@code own} the server's networks and the evaluated global policy read states
 * as (s − μ) / σ with D_o's statistics, which the devices receive in the Hello reply; under {@code none}, raw states.
 *
 * <p>Uploads are checked by {@link UploadCheck}; a rejected upload is logged with its reason and never merged.
 */
public final class ServerNode {
    /** Server-side settings (the devices get {@code settings}). */
    public record Options(
            Settings settings,                 // the run's shared settings (task, K, R, Γ, network sizes, seed, --obs-norm, ...; D_o's statistics are added)
            int serverSteps,                   // G (docs/design.md §Server: G = Γ)
            float omegaS,                      // ω_s = 1 (docs/design.md §Server)
            boolean omegaSPerHead,             // false: ω_s's gap averaged over the 2K heads (docs/design.md §Server)
            ForlerServer.Broadcast broadcast,  // AVERAGE (docs/design.md §Server: default), OWN or MIX
            Duration deadline,                 // per round, from its opening
            int minDevices,                    // uploads needed to close a round at the deadline (default 1)
            double maxNorm,                    // bound on the L2 norm of an uploaded critic's parameters
            int evalEpisodes,                  // evaluation episodes of the global policy per round (0: none)
            Path out,                          // rounds.csv/json and checkpoint.safetensors
            boolean resume) {

        /** Every setting that changes the run's numbers, by its {@code forler server} flag; recorded in the checkpoint, compared on --resume. */
        public Map<String, String> numbersSettings() {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            m.put("--task", settings.getTask());
            m.put("--seed", Long.toString(settings.getSeed()));
            m.put("--devices", Integer.toString(settings.getDevices()));
            m.put("--local-steps", Integer.toString(settings.getLocalSteps()));
            m.put("--server-steps", Integer.toString(serverSteps));
            m.put("--omega-s", Float.toString(omegaS));
            m.put("--omega-s-per-head", Boolean.toString(omegaSPerHead));
            m.put("--broadcast", broadcast.flag());
            m.put("--obs-norm", RunSettings.obsNorm(settings).flag());
            m.put("--search-temp", RunSettings.rect(settings).temperature().flag());
            m.put("--search-init", RunSettings.rect(settings).initFlag());
            m.put("--search-init-std", Float.toString(RunSettings.rect(settings).initStd()));
            m.put("--delta", Integer.toString(settings.getDelta()));
            m.put("--samples", Integer.toString(settings.getSamples()));
            m.put("--iterations", Integer.toString(settings.getIterations()));
            m.put("--alpha1", Float.toString(settings.getAlpha1()));
            m.put("--alpha2", Float.toString(settings.getAlpha2()));
            m.put("--hidden", Integer.toString(settings.getHidden()));
            m.put("--depth", Integer.toString(settings.getDepth()));
            m.put("--batch", Integer.toString(settings.getBatch()));
            return m;
        }

        /**
         * Settings recorded only since they were added, with the value every checkpoint recorded without them was made
         * with (raw states, the fixed temperature, ω_s averaged, the search started at 0 with std 2): completed before they are compared on --resume.
         */
        static final Map<String, String> LATER_SETTINGS = Map.of("--obs-norm", "none", "--search-temp", "fixed", "--omega-s-per-head", "false",
                "--search-init", "zero", "--search-init-std", "2.0");
    }

    /** What the round loop logged, one row per round. */
    public record Result(List<Map<String, Double>> rows) {}

    /** An accepted upload. */
    private record Received(QEnsemble critic, QEnsemble target, Map<String, Double> metrics) {}

    /** Where the server logs (GrpcServer logs its refused connections there too). */
    PrintStream log() { return log; }

    /** How long one Fetch waits for a newer round before answering WAIT (the device then asks again). */
    static final Duration LONG_POLL = Duration.ofSeconds(20);

    public final Options o;
    public final ForlerServer server;
    private final Settings s;
    private final int K, obsDim, actDim;
    private final PrintStream log;
    private final UploadCheck check;
    private final QEnsemble[] sentCritic, sentTarget; // [K] the pair each device is sent in the open round

    // Round state, guarded by this.
    private int round = -1;          // the latest round opened
    private boolean open, finished;
    private long deadlineNanos;
    private Weights policyW;
    private Weights[] criticW, targetW;  // [K]
    private final Map<Integer, Received> uploads = new TreeMap<>(); // device id → accepted upload, this round
    private final Set<Integer> rejected = new HashSet<>();          // devices with a rejected upload this round
    private final Set<Integer> seen = new HashSet<>(), told = new HashSet<>(); // devices that called; told FINISHED
    private long bytesDown, bytesUp, rejectedCount;

    /** @param serverData D_o in task units; its states are normalised as {@code o.settings()} say ({@link RunSettings#serverStats}) */
    public ServerNode(forler.data.Dataset serverData, Options o, PrintStream log) {
        this.o = o;
        this.s = RunSettings.withStats(o.settings(), serverData); // what the devices receive
        this.log = log;
        Transitions data = RunSettings.transitions(s.getTask(), serverData, RunSettings.serverStats(s));
        K = s.getDevices();
        obsDim = data.obsDim();
        actDim = data.actDim();
        ForlerDevice.Config d = RunSettings.device(s);
        SacN.Config sc = SacN.Config.forlerServer(K, d.hidden(), d.depth(), o.omegaS(), o.omegaSPerHead());
        server = new ForlerServer(data, sc, o.broadcast(), d.batch(), s.getSeed() * 1000 + 999); // seeds as forler.fed.Forler
        check = new UploadCheck(pair(), K, o.maxNorm());
        sentCritic = new QEnsemble[K];
        sentTarget = new QEnsemble[K];
        keep(server.initial(K), allDevices(), false); // Algorithm 2 line 1 (see ForlerServer.initial)
    }

    // ------------------------------------------------------------------ the round loop

    /** Runs the rounds (from the checkpoint with {@code resume}); returns when the last one is done. */
    public Result run() throws Exception {
        Files.createDirectories(o.out());
        Path ckpt = o.out().resolve("checkpoint.safetensors");
        RunLog runLog = new RunLog(o.out(), "rounds").info("algo", "forler-grpc").info("task", s.getTask())
                .info("seed", s.getSeed()).info("devices", K).info("local_steps", s.getLocalSteps())
                .info("broadcast", o.broadcast()).info("obs_norm", RunSettings.obsNorm(s).flag()).info("deadline_s", o.deadline().toMillis() / 1000.0)
                .info("max_norm", o.maxNorm()).info("min_devices", o.minDevices());
        int start = 0;
        if (o.resume() && Files.exists(ckpt)) {
            StateDict saved = StateDict.read(ckpt);
            Map<String, String> recorded = new java.util.LinkedHashMap<>();
            saved.meta.forEach((k, v) -> { if (k.startsWith("setting--")) recorded.put(k.substring("setting".length()), v); });
            if (!recorded.isEmpty()) Options.LATER_SETTINGS.forEach(recorded::putIfAbsent);
            forler.io.RunDir.checkSettings(o.numbersSettings(), recorded, o.out());
            sameStats(saved.meta.get(OBS_STATS));
            start = load(saved) + 1;
            Path csv = o.out().resolve("rounds.csv");
            if (Files.exists(csv)) {
                List<Map<String, Double>> rows = RunLog.readCsv(csv);
                runLog.restore(rows.subList(0, Math.min(start, rows.size())));
            }
            log.printf("server: resuming from %s after round %d/%d%n", ckpt, start, s.getRounds()); // rounds counted from 1 in the log
        } else if (o.resume()) {
            log.printf("server: --resume: no checkpoint at %s, starting from round 1%n", ckpt);
        }
        Env env = o.evalEpisodes() > 0 ? Tasks.make(s.getTask()) : null;
        try {
            if (start == 0) awaitDevices();
            for (int r = start; r < s.getRounds(); r++) {
                long t0 = System.nanoTime();
                openRound(r);
                Map<Integer, Received> got = awaitUploads(r);
                long t1 = System.nanoTime();
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("round", (double) r);
                row.put("devices_received", (double) got.size());
                row.put("heads", (double) 2 * got.size());
                aggregate(got).forEach((k, v) -> row.put("server_" + k, v));
                if (env != null) {
                    ActionScale scale = new ActionScale(env.actLow(), env.actHigh());
                    Rollouts.Stats g = Rollouts.evaluate(env, new Agent(server.learner::act, RunSettings.serverStats(s), scale), o.evalEpisodes(),
                            1_000_000L * (s.getSeed() + 1) + r * 1000L); // the evaluation seeds of forler.fed.FedSimulation
                    row.put("global_return", g.mean());
                    row.put("global_score", Tasks.info(s.getTask()).normalizedScore(g.mean()));
                }
                Map<String, Double> dev = new TreeMap<>();
                got.values().forEach(u -> u.metrics().forEach((k, v) -> dev.merge("device_" + k, v / got.size(), Double::sum)));
                row.putAll(dev);
                synchronized (this) {
                    row.put("rejected", (double) rejectedCount);
                    row.put("bytes_down", (double) bytesDown);
                    row.put("bytes_up", (double) bytesUp);
                }
                row.put("upload_wait_s", (t1 - t0) / 1e9);
                row.put("round_s", (System.nanoTime() - t0) / 1e9);
                runLog.add(row);                        // the log first: a crash between the two redoes round r,
                state().scalar("round", r).save(ckpt);  // and the resume cuts the log back to the checkpoint
                log.printf("server: round %d/%d closed with %d/%d devices (%d heads), %d rejected, %.2f s%s%n", r + 1, s.getRounds(), got.size(), K,
                        2 * got.size(), (long) (double) row.get("rejected"), row.get("round_s"), row.containsKey("global_score")
                                ? String.format(", global score %.1f (normalised: 0 = random, 100 = expert)", row.get("global_score")) : "");
            }
        } finally {
            if (env != null) env.close();
            synchronized (this) {
                finished = true;
                open = false;
                notifyAll();
            }
        }
        return new Result(runLog.rows());
    }

    /** Before round 0: waits until all K devices have called, or one deadline, so that slow starters do not miss it. */
    private synchronized void awaitDevices() throws InterruptedException {
        long until = System.nanoTime() + o.deadline().toNanos();
        for (long left; seen.size() < K && (left = until - System.nanoTime()) > 0; ) wait(Math.max(1, left / 1_000_000));
        log.printf("server: %d/%d devices connected, starting%n", seen.size(), K);
    }

    /** After the last round: waits until every device that called has been told FINISHED, or {@code max}. */
    public synchronized void awaitGoodbyes(Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        for (long left; !told.containsAll(seen) && (left = until - System.nanoTime()) > 0; ) wait(Math.max(1, left / 1_000_000));
    }

    private synchronized void openRound(int r) {
        round = r;
        uploads.clear();
        rejected.clear();
        bytesDown = bytesUp = rejectedCount = 0;
        policyW = WeightsCodec.encode(server.learner.actor);
        criticW = new Weights[K];
        targetW = new Weights[K];
        Map<QEnsemble, Weights> once = new IdentityHashMap<>(); // --broadcast average sends one pair to all: encode it once
        for (int k = 0; k < K; k++) {
            criticW[k] = once.computeIfAbsent(sentCritic[k], WeightsCodec::encode);
            targetW[k] = once.computeIfAbsent(sentTarget[k], WeightsCodec::encode);
        }
        deadlineNanos = System.nanoTime() + o.deadline().toNanos();
        open = true;
        notifyAll();
    }

    /** Waits for all K uploads, or for the deadline with at least minDevices; then closes the round. */
    private synchronized Map<Integer, Received> awaitUploads(int r) throws InterruptedException {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (uploads.size() == K) break;
            if (left <= 0) {
                if (uploads.size() >= Math.max(1, o.minDevices())) break;
                log.printf("server: round %d: %d upload(s) by the deadline, %d needed (--min-devices); waiting another %.1f s%n",
                        r + 1, uploads.size(), Math.max(1, o.minDevices()), o.deadline().toMillis() / 1000.0);
                deadlineNanos = System.nanoTime() + o.deadline().toNanos();
                continue;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        open = false;
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < K; k++) if (!uploads.containsKey(k)) missing.add(k);
        if (!missing.isEmpty()) log.printf("server: round %d: no accepted upload from device(s) %s; they are left out%n", r + 1, missing);
        return new TreeMap<>(uploads);
    }

    /** Eqs. 6–7 on the received critics (device-id order), then the next broadcast (line 19). */
    private Map<String, Double> aggregate(Map<Integer, Received> got) {
        List<QEnsemble> critics = new ArrayList<>(), targets = new ArrayList<>();
        for (Received u : got.values()) {
            critics.add(u.critic());
            targets.add(u.target());
        }
        Map<String, Double> m = server.aggregate(critics, targets, o.serverSteps());
        keep(server.message(got.size()), new ArrayList<>(got.keySet()), server.broadcastMode() == ForlerServer.Broadcast.AVERAGE);
        return m;
    }

    /**
     * Records what each device is sent next: pair i of the message goes to device {@code ids[i]}; with
     * {@code sameForAll} (the averaged broadcast) every device, a missing one too, gets pair 0.
     */
    private void keep(ForlerServer.Message msg, List<Integer> ids, boolean sameForAll) {
        for (int k = 0; k < K; k++) {
            int i = sameForAll ? 0 : ids.indexOf(k);
            if (i < 0) continue; // --broadcast own: a device that did not upload keeps its last pair
            sentCritic[k] = msg.critics().get(i);
            sentTarget[k] = msg.targets().get(i);
        }
    }

    private List<Integer> allDevices() {
        List<Integer> ids = new ArrayList<>();
        for (int k = 0; k < K; k++) ids.add(k);
        return ids;
    }

    /** A 2-head critic of the run's architecture (the shape every upload must have). */
    private QEnsemble pair() { return ensemble(2); }

    /** A critic of {@code heads} heads of the run's architecture; its values are overwritten by the caller. */
    private QEnsemble ensemble(int heads) {
        ForlerDevice.Config d = RunSettings.device(s);
        return new QEnsemble(heads, obsDim, actDim, d.hidden(), d.depth(), new Rng(0));
    }

    // ------------------------------------------------------------------ checkpoints

    /** π_o, β, the stacked critic and optimisers, and the pairs the devices are sent next. */
    private StateDict state() {
        StateDict d = new StateDict().put("server.", server.state()).scalar("heads", server.learner.critic.heads());
        for (int k = 0; k < K; k++) d.module("sent.critic." + k, sentCritic[k]).module("sent.target." + k, sentTarget[k]);
        o.numbersSettings().forEach((flag, v) -> d.meta.put("setting" + flag, v)); // compared on --resume
        d.meta.put(OBS_STATS, obsStats());
        return d;
    }

    /** The checkpoint's record of D_o's state statistics (the devices' too under --obs-norm server). */
    private static final String OBS_STATS = "obs_stats";

    /** D_o's μ and σ as sent to the devices, as text ("mean [..] std [..]"; empty lists under --obs-norm none). */
    private String obsStats() { return "mean " + s.getObsMeanList() + " std " + s.getObsStdList(); }

    /**
     * Refuses a resume whose D_o has other statistics than the checkpoint's run (another --server-file or
     * --server-data: every normalised network would read states in another frame); checkpoints without the record pass.
     */
    private void sameStats(String recorded) {
        if (recorded != null && !recorded.equals(obsStats())) {
            throw new IllegalStateException("--resume: the server's D_o has state statistics " + obsStats() + " but the run in " + o.out()
                    + " was made with " + recorded + ": give the run's --server-file or --server-data to continue it, or --overwrite "
                    + "(or another --out) to start afresh");
        }
    }

    /** Restores {@link #state()}; returns the round it was saved after. */
    private int load(StateDict d) {
        int heads = (int) d.getScalar("heads");
        server.learner.replaceCritic(ensemble(heads), ensemble(heads)); // the checkpoint's stack may have 2K' < 2K heads
        server.load(d.sub("server."));
        for (int k = 0; k < K; k++) {
            d.loadModule("sent.critic." + k, sentCritic[k] = pair());
            d.loadModule("sent.target." + k, sentTarget[k] = pair());
        }
        return (int) d.getScalar("round");
    }

    // ------------------------------------------------------------------ the calls (GrpcServer's service)

    public synchronized Settings hello(HelloRequest req) {
        log.printf("server: device %d joined%n", req.getDeviceId());
        see(req.getDeviceId());
        return s;
    }

    private void see(int k) {
        if (k >= 0 && k < K && seen.add(k)) notifyAll();
    }

    /**
     * The open round's weights for a device, when that round is newer than {@code after_round}, or when it is the
     * same round and the device has neither an accepted nor a rejected upload in it (a restarted server or device
     * asks again); else waits up to {@link #LONG_POLL} and answers WAIT, or FINISHED after the last round.
     */
    public synchronized Broadcast fetch(FetchRequest req) throws InterruptedException {
        int k = req.getDeviceId();
        see(k);
        long until = System.nanoTime() + LONG_POLL.toNanos();
        while (true) {
            if (finished) {
                told.add(k);
                notifyAll();
                return Broadcast.newBuilder().setStatus(Broadcast.Status.FINISHED).setRound(round).build();
            }
            boolean fresh = round > req.getAfterRound() || (round == req.getAfterRound() && !uploads.containsKey(k) && !rejected.contains(k));
            if (open && fresh) {
                Broadcast b = Broadcast.newBuilder().setStatus(Broadcast.Status.ROUND).setRound(round).setPolicy(policyW)
                        .setCritic(criticW[k]).setTarget(targetW[k])
                        .setDeadlineMs(Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000)).build();
                bytesDown += b.getSerializedSize();
                return b;
            }
            long left = until - System.nanoTime();
            if (left <= 0) return Broadcast.newBuilder().setStatus(Broadcast.Status.WAIT).setRound(round).build();
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Checks an upload ({@link UploadCheck}) and keeps it for the round's aggregation, or logs why it is rejected. */
    public synchronized UploadReply upload(CriticUpload u) {
        see(u.getDeviceId());
        bytesUp += u.getSerializedSize();
        UploadCheck.Verdict v = check.check(u, open ? round : -1, uploads.keySet());
        if (!v.accepted()) {
            String msg = String.format("round %d: rejected upload from device %d for round %d: %s", round, u.getDeviceId(), u.getRound(), v.reason());
            log.println("server: " + msg);
            rejectedCount++;
            if (u.getRound() == round && u.getDeviceId() >= 0 && u.getDeviceId() < K && !uploads.containsKey(u.getDeviceId())) {
                rejected.add(u.getDeviceId());
            }
            return UploadReply.newBuilder().setAccepted(false).setReason(v.reason()).build();
        }
        QEnsemble q = pair(), t = pair();
        Modules.load(q, v.critic(), "");
        Modules.load(t, v.target(), "");
        uploads.put(u.getDeviceId(), new Received(q, t, new TreeMap<>(u.getMetricsMap())));
        notifyAll();
        return UploadReply.newBuilder().setAccepted(true).build();
    }

    /** Shuts the round loop down (the server process is stopping): fetches answer FINISHED. */
    public synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** The settings the devices receive (the run's, with D_o's state statistics). */
    public Settings settings() { return s; }

    /** The latest round opened (−1 before the first). */
    public synchronized int round() { return round; }
}

package forler.fed;

import forler.engine.Tensor;
import forler.io.StateDict;
import forler.rl.ActorRectification;
import forler.rl.ForlerDevice;
import forler.rl.ForlerServer;
import forler.rl.QEnsemble;
import forler.rl.SacN;
import forler.rl.Transitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * FORLER (paper Algorithm 2): devices with δ-periodic actor rectification ({@link ForlerDevice},
 * {@link ActorRectification}) and a server that aggregates the devices' critics as a Q-ensemble
 * ({@link ForlerServer}). Devices upload critic heads only; the local policies stay on the devices.
 */
public final class Forler implements FedMethod {
    /** Round-level settings; every default says where it comes from. */
    public record Config(
            int localSteps,                    // Γ local steps per round
            int serverSteps,                   // G server steps per round (docs/design.md §Server: G = Γ)
            float omegaS,                      // ω_s = 1 (docs/design.md §Server; 0 gives plain SAC-N on the server)
            boolean omegaSPerHead,             // false: ω_s's gap averaged over the 2K heads (docs/design.md §Server)
            ForlerServer.Broadcast broadcast,  // AVERAGE (docs/design.md §Server: default), OWN or MIX
            ForlerDevice.Config device,
            ActorRectification.Config rect) {}

    public final Config cfg;
    public final List<ForlerDevice> devices = new ArrayList<>();
    public final ForlerServer server;
    private final Uploads uploads;
    private List<Integer> stacked;        // the devices whose pairs the server's critic stacks (all, unless left out by the check)
    private ForlerServer.Message pending; // the broadcast the devices receive at the start of the next round

    public Forler(List<Transitions> deviceData, Transitions serverData, Config cfg, long seed) {
        this(deviceData, serverData, cfg, seed, Uploads.HONEST);
    }

    /** @param uploads the adversary's poisoning and the server's outlier check ({@link Uploads}) */
    public Forler(List<Transitions> deviceData, Transitions serverData, Config cfg, long seed, Uploads uploads) {
        this.cfg = cfg;
        this.uploads = uploads;
        stacked = all(deviceData.size());
        for (int k = 0; k < deviceData.size(); k++) {
            devices.add(new ForlerDevice(k, deviceData.get(k), cfg.device(), cfg.rect(), seed * 1000 + 17 * k + 1));
        }
        ForlerDevice.Config d = cfg.device();
        SacN.Config sc = SacN.Config.forlerServer(deviceData.size(), d.hidden(), d.depth(), cfg.omegaS(), cfg.omegaSPerHead());
        server = new ForlerServer(serverData, sc, cfg.broadcast(), d.batch(), seed * 1000 + 999);
        pending = server.initial(devices.size());
    }

    @Override public String name() { return "forler"; }

    @Override public int devices() { return devices.size(); }

    @Override
    public Map<String, Double> round(int r, ExecutorService pool) throws Exception {
        long t0 = System.nanoTime(), rectifyBefore = rectifyNanos();
        List<LocalTraining.Job> jobs = new ArrayList<>();
        for (ForlerDevice dev : devices) {
            ForlerServer.Message msg = pending;
            jobs.add(new LocalTraining.Job() {
                @Override public void begin() { dev.receive(msg.policy(), msg.critics().get(dev.id), msg.targets().get(dev.id)); } // Alg. 2 lines 5–6
                @Override public Map<String, Double> step(int tau) { return dev.step(tau); }                                  // lines 7–12
            });
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map<String, Double> d : LocalTraining.run(jobs, cfg.localSteps(), pool)) d.forEach((k, v) -> m.merge("device_" + k, v / devices.size(), Double::sum));
        long t1 = System.nanoTime();
        m.put("device_s", (t1 - t0) / 1e9);
        m.put("rectify_s", (rectifyNanos() - rectifyBefore) / 1e9 / devices.size());
        List<QEnsemble> critics = new ArrayList<>(), targets = new ArrayList<>();
        for (ForlerDevice dev : devices) { // line 13: upload critic heads only (the adversary's poisoned, docs/design.md §Adversarial devices)
            critics.add(uploads.upload(dev.id, devices.size(), dev.critic.q));
            targets.add(uploads.upload(dev.id, devices.size(), dev.critic.target));
        }
        stacked = uploads.kept(r, critics, m); // --reject-outliers: the min below is over the kept devices' heads only
        server.aggregate(pick(critics), pick(targets), cfg.serverSteps()).forEach((k, v) -> m.put("server_" + k, v)); // 16–18
        pending = broadcast();                                                                               // 19
        m.put("server_s", (System.nanoTime() - t1) / 1e9);
        return m;
    }

    private List<QEnsemble> pick(List<QEnsemble> all) {
        List<QEnsemble> l = new ArrayList<>();
        for (int k : stacked) l.add(all.get(k));
        return l;
    }

    private static List<Integer> all(int devices) {
        List<Integer> l = new ArrayList<>();
        for (int k = 0; k < devices; k++) l.add(k);
        return l;
    }

    /**
     * The server's message for every device: {@link ForlerServer#message} when every pair was stacked; else pair i
     * goes to the i-th stacked device and a device left out gets the average pair (under every --broadcast).
     */
    private ForlerServer.Message broadcast() {
        if (stacked.size() == devices.size()) return server.message(devices.size());
        ForlerServer.Message msg = server.message(stacked.size());
        QEnsemble avgQ = server.learner.critic.averageGroups(2), avgT = server.learner.target.averageGroups(2);
        List<QEnsemble> q = new ArrayList<>(), t = new ArrayList<>();
        for (int k = 0; k < devices.size(); k++) {
            int i = stacked.indexOf(k);
            q.add(i >= 0 ? msg.critics().get(i) : avgQ);
            t.add(i >= 0 ? msg.targets().get(i) : avgT);
        }
        return new ForlerServer.Message(msg.policy(), q, t);
    }

    @Override
    public Tensor actGlobal(Tensor obs) { return server.learner.act(obs); }

    @Override
    public Tensor actLocal(int k, Tensor obs) { return devices.get(k).act(obs); }

    /** k = −1: the server's 2K-head ensemble (its min judges π_o, Eq. 7); else device k's pair. */
    @Override
    public QEnsemble critic(int k) { return k < 0 ? server.learner.critic : devices.get(k).critic.q; }

    /** Min-Q rows evaluated by all devices' rectification so far. */
    public long qEvaluations() {
        long n = 0;
        for (ForlerDevice d : devices) n += d.qEvaluations();
        return n;
    }

    /** Nanoseconds all devices have spent in rectification so far. */
    private long rectifyNanos() {
        long n = 0;
        for (ForlerDevice d : devices) n += d.rectifyNanos();
        return n;
    }

    @Override
    public StateDict state() {
        StateDict s = new StateDict().put("server.", server.state());
        for (ForlerDevice d : devices) s.put("device" + d.id + ".", d.state());
        if (stacked.size() < devices.size()) s.meta.put(STACKED, stacked.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        return s;
    }

    @Override
    public void load(StateDict s) {
        String ids = s.meta.get(STACKED);
        stacked = ids == null ? all(devices.size()) : java.util.Arrays.stream(ids.split(",")).map(Integer::valueOf).toList();
        if (2 * stacked.size() != server.learner.critic.heads()) { // the checkpoint's stack has fewer heads: its shape first
            QEnsemble pair = server.learner.critic.heads(0, 2);
            server.learner.replaceCritic(QEnsemble.stack(java.util.Collections.nCopies(stacked.size(), pair)),
                    QEnsemble.stack(java.util.Collections.nCopies(stacked.size(), pair)));
        }
        server.load(s.sub("server."));
        for (ForlerDevice d : devices) d.load(s.sub("device" + d.id + "."));
        pending = broadcast();
    }

    /** A checkpoint's record of the devices whose pairs the server's critic stacks, when not all ("0,1,3"). */
    private static final String STACKED = "stacked_devices";
}

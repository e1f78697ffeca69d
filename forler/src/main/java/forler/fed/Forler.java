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
import java.util.concurrent.Future;

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
    private ForlerServer.Message pending; // the broadcast the devices receive at the start of the next round

    public Forler(List<Transitions> deviceData, Transitions serverData, Config cfg, long seed) {
        this.cfg = cfg;
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
        List<Future<Map<String, Double>>> jobs = new ArrayList<>();
        for (ForlerDevice dev : devices) {
            ForlerServer.Message msg = pending;
            jobs.add(pool.submit(() -> {
                dev.receive(msg.policy(), msg.critics().get(dev.id), msg.targets().get(dev.id)); // Alg. 2 lines 5–6
                return dev.train(cfg.localSteps());                                            // lines 7–12
            }));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Future<Map<String, Double>> f : jobs) f.get().forEach((k, v) -> m.merge("device_" + k, v / devices.size(), Double::sum));
        long t1 = System.nanoTime();
        m.put("device_s", (t1 - t0) / 1e9);
        m.put("rectify_s", (rectifyNanos() - rectifyBefore) / 1e9 / devices.size());
        List<QEnsemble> critics = new ArrayList<>(), targets = new ArrayList<>();
        for (ForlerDevice dev : devices) { // line 13: upload critic heads only
            critics.add(dev.critic.q);
            targets.add(dev.critic.target);
        }
        server.aggregate(critics, targets, cfg.serverSteps()).forEach((k, v) -> m.put("server_" + k, v)); // 16–18
        pending = server.message(devices.size());                                                           // 19
        m.put("server_s", (System.nanoTime() - t1) / 1e9);
        return m;
    }

    @Override
    public Tensor actGlobal(Tensor obs) { return server.learner.act(obs); }

    @Override
    public Tensor actLocal(int k, Tensor obs) { return devices.get(k).act(obs); }

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
        return s;
    }

    @Override
    public void load(StateDict s) {
        server.load(s.sub("server."));
        for (ForlerDevice d : devices) d.load(s.sub("device" + d.id + "."));
        pending = server.message(devices.size());
    }
}

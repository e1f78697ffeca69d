package forler.fed;

import forler.engine.Tensor;
import forler.engine.nn.Module;
import forler.io.StateDict;
import forler.rl.Learner;
import forler.rl.QEnsemble;
import forler.rl.Transitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The FedAvg baselines' common round: every device receives the global model, trains its own learner for Γ steps
 * (in parallel), then the server averages the devices' networks weighted by p_k = |D_k| / |D|. The devices
 * receive the average at the start of the next round, so between rounds each still holds its own local policy.
 * Subclasses say which networks travel ({@link #broadcastTo}, {@link #aggregate}). The critics travel through
 * {@link #averageCritic}: an adversary's is poisoned on the way, and with the outlier check a device whose critic is
 * left out is left out of every average of the round, the weights renormalised over the kept devices ({@link Uploads}).
 */
abstract class FedAvgMethod<L extends Learner> implements FedMethod {
    /** Builds a learner for (obs dim, act dim, seed). */
    interface Factory<L> {
        L create(int obsDim, int actDim, long seed);
    }

    public final List<L> devices = new ArrayList<>();
    public final L global; // holds the averaged networks (its optimisers are never used)
    private final List<Transitions> data;
    private final double[] weights;
    private final int localSteps, batch;
    private final String name;
    private final Uploads uploads;
    private List<Integer> kept;   // the devices aggregated this round

    FedAvgMethod(String name, List<Transitions> data, Factory<L> factory, int localSteps, int batch, long seed, Uploads uploads) {
        this.name = name;
        this.uploads = uploads;
        this.data = data;
        this.localSteps = localSteps;
        this.batch = batch;
        int[] sizes = new int[data.size()];
        for (int k = 0; k < data.size(); k++) {
            devices.add(factory.create(data.get(k).obsDim(), data.get(k).actDim(), seed * 1000 + 17 * k + 1));
            sizes[k] = data.get(k).size();
        }
        weights = FedAvg.sizeWeights(sizes);
        global = factory.create(data.get(0).obsDim(), data.get(0).actDim(), seed * 1000 + 999);
    }

    /** Device d ← global, for the networks that travel; optimiser moments stay the device's own. */
    abstract void broadcastTo(L d);

    /** Server step: global ← Σ_k p_k·device_k for the networks that travel (use {@link #average}, {@link #averageCritic}). */
    abstract void aggregate();

    /** The critic the outlier check evaluates: the one {@link #aggregate} averages through {@link #averageCritic}. */
    abstract QEnsemble critic(L d);

    /** global's module ← the |D_k|-weighted average of the kept devices' modules picked by {@code f}. */
    final void average(Function<L, Module> f) {
        List<Module> parts = new ArrayList<>();
        for (int k : kept) parts.add(f.apply(devices.get(k)));
        FedAvg.average(parts, keptWeights(), f.apply(global));
    }

    /** {@link #average} of a critic as uploaded: the adversary's poisoned ({@link Uploads#upload}). */
    final void averageCritic(Function<L, QEnsemble> f) {
        List<Module> parts = new ArrayList<>();
        for (int k : kept) parts.add(uploads.upload(k, devices.size(), f.apply(devices.get(k))));
        FedAvg.average(parts, keptWeights(), f.apply(global));
    }

    /** p_k renormalised over the kept devices (p_k itself when all are kept). */
    private double[] keptWeights() {
        if (kept.size() == devices.size()) return weights;
        double[] w = new double[kept.size()];
        double total = 0;
        for (int k : kept) total += weights[k];
        for (int i = 0; i < w.length; i++) w[i] = weights[kept.get(i)] / total;
        return w;
    }

    @Override public String name() { return name; }

    @Override public int devices() { return devices.size(); }

    /** p_k = |D_k| / |D|. */
    public double[] weights() { return weights.clone(); }

    @Override
    public Map<String, Double> round(int r, ExecutorService pool) throws Exception {
        long t0 = System.nanoTime();
        List<LocalTraining.Job> jobs = new ArrayList<>();
        for (int k = 0; k < devices.size(); k++) {
            L d = devices.get(k);
            Transitions t = data.get(k);
            jobs.add(new LocalTraining.Job() {
                @Override public void begin() { broadcastTo(d); }
                @Override public Map<String, Double> step(int tau) { return d.update(t.sample(batch, d.rng())); } // as Learner.train
            });
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map<String, Double> d : LocalTraining.run(jobs, localSteps, pool)) d.forEach((k, v) -> m.merge("device_" + k, v / devices.size(), Double::sum));
        long t1 = System.nanoTime();
        m.put("device_s", (t1 - t0) / 1e9);
        List<QEnsemble> critics = new ArrayList<>();
        if (uploads.checks()) for (int k = 0; k < devices.size(); k++) critics.add(uploads.upload(k, devices.size(), critic(devices.get(k))));
        kept = uploads.checks() ? uploads.kept(r, critics, m) : allDevices();
        aggregate();
        m.put("server_s", (System.nanoTime() - t1) / 1e9);
        return m;
    }

    private List<Integer> allDevices() {
        List<Integer> l = new ArrayList<>();
        for (int k = 0; k < devices.size(); k++) l.add(k);
        return l;
    }

    @Override public Tensor actGlobal(Tensor obs) { return global.act(obs); }

    @Override public Tensor actLocal(int k, Tensor obs) { return devices.get(k).act(obs); }

    /** k = −1: the averaged critic the devices receive; else device k's own. */
    @Override public QEnsemble critic(int k) { return critic(k < 0 ? global : devices.get(k)); }

    @Override
    public StateDict state() {
        StateDict s = new StateDict().put("global.", global.state());
        for (int k = 0; k < devices.size(); k++) s.put("device" + k + ".", devices.get(k).state());
        return s;
    }

    @Override
    public void load(StateDict s) {
        global.load(s.sub("global."));
        for (int k = 0; k < devices.size(); k++) devices.get(k).load(s.sub("device" + k + "."));
    }
}

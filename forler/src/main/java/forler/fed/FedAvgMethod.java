package forler.fed;

import forler.engine.Tensor;
import forler.engine.nn.Module;
import forler.io.StateDict;
import forler.rl.Learner;
import forler.rl.Transitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The FedAvg baselines' common round: every device receives the global model, trains its own learner for Γ steps
 * (in parallel), then the server averages the devices' networks weighted by p_k = |D_k| / |D|. The devices
 * receive the average at the start of the next round, so between rounds each still holds its own local policy.
 * Subclasses say which networks travel ({@link #broadcastTo}, {@link #aggregate}).
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

    FedAvgMethod(String name, List<Transitions> data, Factory<L> factory, int localSteps, int batch, long seed) {
        this.name = name;
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

    /** Server step: global ← Σ_k p_k·device_k for the networks that travel (use {@link #average}). */
    abstract void aggregate();

    /** global's module ← the |D_k|-weighted average of the devices' modules picked by {@code f}. */
    final void average(Function<L, Module> f) {
        List<Module> parts = new ArrayList<>();
        for (L d : devices) parts.add(f.apply(d));
        FedAvg.average(parts, weights, f.apply(global));
    }

    @Override public String name() { return name; }

    @Override public int devices() { return devices.size(); }

    /** p_k = |D_k| / |D|. */
    public double[] weights() { return weights.clone(); }

    @Override
    public Map<String, Double> round(int r, ExecutorService pool) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Map<String, Double>>> jobs = new ArrayList<>();
        for (int k = 0; k < devices.size(); k++) {
            L d = devices.get(k);
            Transitions t = data.get(k);
            jobs.add(pool.submit(() -> {
                broadcastTo(d);
                return d.train(t, localSteps, batch);
            }));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Future<Map<String, Double>> f : jobs) f.get().forEach((k, v) -> m.merge("device_" + k, v / devices.size(), Double::sum));
        long t1 = System.nanoTime();
        m.put("device_s", (t1 - t0) / 1e9);
        aggregate();
        m.put("server_s", (System.nanoTime() - t1) / 1e9);
        return m;
    }

    @Override public Tensor actGlobal(Tensor obs) { return global.act(obs); }

    @Override public Tensor actLocal(int k, Tensor obs) { return devices.get(k).act(obs); }

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

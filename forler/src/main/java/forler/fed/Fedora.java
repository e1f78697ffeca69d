package forler.fed;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Modules;
import forler.engine.nn.TanhActor;
import forler.io.StateDict;
import forler.rl.Batch;
import forler.rl.DatasetTransitions;
import forler.rl.QEnsemble;
import forler.rl.Td3Bc;
import forler.rl.Transitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * FEDORA (Rengarajan et al., "Federated Ensemble-Directed Offline RL"), as its public code
 * ({@code FLAlgorithms/users/userrl.py}, {@code servers/rlserver.py}) does it. Each round:
 * <ol>
 *   <li>every device sets its actor and critic to the server's (its targets, Adam moments, step counter and
 *       previous policy stay its own) and keeps frozen copies π_fed, Q_fed;</li>
 *   <li>it measures the federated policy's value v_fed = mean_{s∈D_k} Q_fed,1(s, π_fed(s));</li>
 *   <li>Γ TD3+BC steps with the optimistic target y = r + γ(1−d)·max(min_j Q'_j(s', a'), min_j Q_fed,j(s', a'))
 *       and the actor loss decay_k·(−λ·mean Q_1 + mean(π − a)²) + α0·mean(π − π_fed)² + α2·mean(π − π_prev)²;</li>
 *   <li>v_k = mean_{s∈D_k} Q_1(s, π_k(s)) with its own trained critic; π_prev ← π_k;
 *       decay_k ← decay_k·0.995 if v_fed &gt; v_k ({@link #nextDecay});</li>
 *   <li>the server sets actor ← Σ softmax(0.1·v)_k·actor_k and critic ← Σ softmax(0.1·v)_k·critic_k
 *       ({@link #valueWeights}).</li>
 * </ol>
 * Deviations from the public code: the values are means over the whole local dataset (the code averages a
 * bootstrap resample of the same size); Q_fed is the server's critic itself (it has no target network);
 * the critic proximal term (its {@code alpha_1}, default 0) is left out; all devices take part in every round
 * (its default {@code ncpr = n_clients}); Γ counts gradient steps (the code uses local epochs·|D_k|/batch);
 * observations are normalised by {@link FedSimulation}'s common rule ({@link ObsNorm}; the code does not normalise).
 */
public final class Fedora implements FedMethod {
    /** Settings; every default says where it comes from. */
    public record Config(
            Td3Bc.Config learner,  // TD3+BC defaults (FEDORA: α 2.5, noise 0.2/0.5, delay 2, lr 3e-4)
            int localSteps,        // Γ gradient steps per round
            int batch,             // 256: FEDORA --batch-size
            float proxServer,      // α0 = 1: FEDORA --alpha-0, weight of mean(π − π_fed)²
            float proxPrev,        // α2 = 1: FEDORA --alpha-2, weight of mean(π − π_prev)²
            float decayRate,       // 0.995: FEDORA --decay-rate
            float tempActor,       // 0.1: FEDORA --temp-a
            float tempCritic) {    // 0.1: FEDORA --temp-c
        public static Config defaults(Td3Bc.Config learner, int localSteps, int batch) {
            return new Config(learner, localSteps, batch, 1f, 1f, 0.995f, 0.1f, 0.1f);
        }
    }

    /** FEDORA's decay rule: decay·rate when the federated policy's value beats the local one, else decay. */
    public static double nextDecay(double decay, double rate, double fedValue, double localValue) {
        return fedValue > localValue ? decay * rate : decay;
    }

    /** The server's weights softmax(temperature·v)_k (computed with the max subtracted). */
    public static double[] valueWeights(double[] values, double temperature) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (double v : values) max = Math.max(max, temperature * v);
        double[] w = new double[values.length];
        for (int k = 0; k < w.length; k++) z += w[k] = Math.exp(temperature * values[k] - max);
        for (int k = 0; k < w.length; k++) w[k] /= z;
        return w;
    }

    /** mean over the rows of {@code obs} [N, S] of head 0 of {@code critic} at (s, actor(s)), as FEDORA's eval_pol. */
    public static double value(TanhActor actor, QEnsemble critic, float[] obs, int obsDim) {
        int n = obs.length / obsDim, chunk = 4096;
        double sum = 0;
        try (var g = Tape.noGrad()) {
            for (int from = 0; from < n; from += chunk) {
                int rows = Math.min(chunk, n - from);
                Tensor s = Tensor.of(java.util.Arrays.copyOfRange(obs, from * obsDim, (from + rows) * obsDim), rows, obsDim); // [R, S]
                Tensor q = critic.q(s, actor.forward(s));                                  // [2, R]
                for (int r = 0; r < rows; r++) sum += q.data[r];                           // head 0
            }
        }
        return sum / n;
    }

    /** One FEDORA client: a TD3+BC learner and what FEDORA keeps beside it. */
    public static final class Device implements Td3Bc.Hooks {
        public final Td3Bc learner;
        final Transitions data;
        private final float[] obs;         // [|D_k|, S] for the value estimates
        final TanhActor fedActor, prev;    // π_fed (this round's server policy), π_prev (own policy, end of last round)
        final QEnsemble fedCritic;         // Q_fed
        private final Config cfg;
        public double decay = 1, value, fedValue;

        Device(Transitions data, Config cfg, long seed) {
            if (!(data instanceof DatasetTransitions dt)) {
                throw new IllegalArgumentException("FEDORA needs each device's data as DatasetTransitions (to evaluate its policy on all states)");
            }
            this.data = data;
            this.cfg = cfg;
            obs = dt.dataset().observations();
            Td3Bc.Config c = cfg.learner();
            learner = new Td3Bc(data.obsDim(), data.actDim(), c, seed);
            Rng init = new Rng(seed ^ 0x5DEECE66DL); // shapes only: both are overwritten before use
            fedActor = new TanhActor(data.obsDim(), data.actDim(), c.hidden(), c.depth(), init);
            prev = new TanhActor(data.obsDim(), data.actDim(), c.hidden(), c.depth(), init);
            Modules.copy(learner.actor, prev); // FEDORA: prev_actor = deepcopy(actor) at creation
            fedCritic = new QEnsemble(2, data.obsDim(), data.actDim(), c.hidden(), c.depth(), init);
        }

        /** One round on the device: receive, Γ steps, value estimates, decay. */
        LocalTraining.Job round(TanhActor serverActor, QEnsemble serverCritic) {
            return new LocalTraining.Job() {
                @Override public void begin() {
                    Modules.copy(serverActor, learner.actor);
                    Modules.copy(serverCritic, learner.critic);
                    Modules.copy(serverActor, fedActor);
                    Modules.copy(serverCritic, fedCritic);
                    fedValue = value(fedActor, fedCritic, obs, data.obsDim());
                }

                @Override public Map<String, Double> step(int tau) { return learner.update(data.sample(cfg.batch(), learner.rng()), Device.this); }

                @Override public Map<String, Double> end(Map<String, Double> mean) {
                    value = value(learner.actor, learner.critic, obs, data.obsDim());
                    Modules.copy(learner.actor, prev);
                    decay = nextDecay(decay, cfg.decayRate(), fedValue, value);
                    mean.put("value", value);
                    mean.put("fed_value", fedValue);
                    mean.put("decay", decay);
                    return mean;
                }
            };
        }

        /** max(min_j Q'_j(s', a'), min_j Q_fed,j(s', a')), element-wise. */
        @Override
        public Tensor nextValue(Tensor nextObs, Tensor nextAction, Tensor targetMin) {
            Tensor fed = fedCritic.minQ(nextObs, nextAction);                               // [B]
            float[] v = new float[targetMin.size()];
            for (int i = 0; i < v.length; i++) v[i] = Math.max(targetMin.data[i], fed.data[i]);
            return Tensor.of(v, v.length);
        }

        /** decay·(TD3+BC loss) + α0·mean(π − π_fed)² + α2·mean(π − π_prev)². */
        @Override
        public Tensor actorLoss(Tensor td3bcLoss, Tensor pi, Batch b) {
            Tensor piFed, piPrev;
            try (var g = Tape.noGrad()) {
                piFed = fedActor.forward(b.obs());                                         // [B, A]
                piPrev = prev.forward(b.obs());                                            // [B, A]
            }
            return td3bcLoss.scale((float) decay)
                    .add(pi.sub(piFed).square().mean().scale(cfg.proxServer()))
                    .add(pi.sub(piPrev).square().mean().scale(cfg.proxPrev()));
        }
    }

    public final Config cfg;
    public final List<Device> devices = new ArrayList<>();
    public final TanhActor serverActor;
    public final QEnsemble serverCritic;
    private final Uploads uploads;

    public Fedora(List<Transitions> data, Config cfg, long seed) {
        this(data, cfg, seed, Uploads.HONEST);
    }

    /** @param uploads the adversary's poisoning of the critic and the server's outlier check ({@link Uploads}) */
    public Fedora(List<Transitions> data, Config cfg, long seed, Uploads uploads) {
        this.cfg = cfg;
        this.uploads = uploads;
        for (int k = 0; k < data.size(); k++) devices.add(new Device(data.get(k), cfg, seed * 1000 + 17 * k + 1));
        Rng rng = new Rng(seed * 1000 + 999);
        Td3Bc.Config c = cfg.learner();
        int s = data.get(0).obsDim(), a = data.get(0).actDim();
        serverActor = new TanhActor(s, a, c.hidden(), c.depth(), rng);
        serverCritic = new QEnsemble(2, s, a, c.hidden(), c.depth(), rng);
    }

    @Override public String name() { return "fedora"; }

    @Override public int devices() { return devices.size(); }

    @Override
    public Map<String, Double> round(int r, ExecutorService pool) throws Exception {
        long t0 = System.nanoTime();
        List<LocalTraining.Job> jobs = new ArrayList<>();
        for (Device d : devices) jobs.add(d.round(serverActor, serverCritic));
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map<String, Double> d : LocalTraining.run(jobs, cfg.localSteps(), pool)) d.forEach((k, v) -> m.merge("device_" + k, v / devices.size(), Double::sum));
        long t1 = System.nanoTime();
        m.put("device_s", (t1 - t0) / 1e9);
        // the uploads: actor, critic and value v_k; the adversary's critic poisoned and its value the one that critic
        // gives its policy (mean_{s∈D_k} Q̃_1(s, π_k(s)), as FEDORA's client computes v_k from the critic it sends)
        List<QEnsemble> critics = new ArrayList<>();
        double[] values = new double[devices.size()];
        for (int k = 0; k < values.length; k++) {
            Device d = devices.get(k);
            critics.add(uploads.upload(k, values.length, d.learner.critic));
            values[k] = uploads.adversary.poisons(k, values.length) ? value(d.learner.actor, critics.get(k), d.obs, d.data.obsDim()) : d.value;
        }
        aggregate(uploads.kept(r, critics, m), critics, values);
        m.put("server_s", (System.nanoTime() - t1) / 1e9);
        return m;
    }

    /** Server step: actor and critic ← the kept devices' uploads weighted by softmax(temperature·v_k) over them. */
    private void aggregate(List<Integer> kept, List<QEnsemble> critics, double[] values) {
        double[] v = new double[kept.size()];
        List<TanhActor> actors = new ArrayList<>();
        List<QEnsemble> keptCritics = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            int k = kept.get(i);
            v[i] = values[k];
            actors.add(devices.get(k).learner.actor);
            keptCritics.add(critics.get(k));
        }
        FedAvg.average(actors, valueWeights(v, cfg.tempActor()), serverActor);
        FedAvg.average(keptCritics, valueWeights(v, cfg.tempCritic()), serverCritic);
    }

    @Override
    public Tensor actGlobal(Tensor obs) {
        try (var g = Tape.noGrad()) {
            return serverActor.forward(obs);
        }
    }

    @Override public Tensor actLocal(int k, Tensor obs) { return devices.get(k).learner.act(obs); }

    /** k = −1: the server's critic (the softmax(0.1·v)-weighted average); else device k's own. */
    @Override public QEnsemble critic(int k) { return k < 0 ? serverCritic : devices.get(k).learner.critic; }

    @Override
    public StateDict state() {
        StateDict s = new StateDict().module("server_actor", serverActor).module("server_critic", serverCritic);
        for (int k = 0; k < devices.size(); k++) {
            Device d = devices.get(k);
            s.put("device" + k + ".", d.learner.state().module("prev_actor", d.prev).scalar("decay", d.decay)
                    .scalar("value", d.value).scalar("fed_value", d.fedValue));
        }
        return s;
    }

    @Override
    public void load(StateDict s) {
        s.loadModule("server_actor", serverActor);
        s.loadModule("server_critic", serverCritic);
        for (int k = 0; k < devices.size(); k++) {
            Device d = devices.get(k);
            StateDict ds = s.sub("device" + k + ".");
            d.learner.load(ds);
            ds.loadModule("prev_actor", d.prev);
            d.decay = ds.getScalar("decay");
            d.value = ds.getScalar("value");
            d.fedValue = ds.getScalar("fed_value");
        }
    }
}

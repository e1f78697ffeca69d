package forler.rl;

import forler.engine.Arena;
import forler.engine.Backends;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Adam;
import forler.engine.nn.Modules;
import forler.engine.nn.TanhGaussianActor;
import forler.io.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A FORLER device (paper Algorithm 2, lines 5–13): local updates on its own data D_k with
 * {@link ActorRectification} (Algorithm 1), the CQL critic of Eq. 3 ({@link ConservativeCritic}) and the
 * rectified, regularised actor of Eq. 4:
 * <pre>  L_π = −λ·mean_b Q(s, π(s)) + α1·mean_b ‖π(s) − â‖² + α2·mean_b ‖π(s) − π₀(s)‖²,  λ = 1 / mean_b |Q(s, π(s))|</pre>
 * with Q the min of the two heads and π₀ the global policy received this round.
 *
 * <p>Order of one local step τ (Algorithm 2 lines 9–11): rectify with the current critic Q_k^τ, then the critic
 * step, then the actor step. Deviations (also in docs/paper-to-code.md): λ (TD3+BC's scale) multiplies the Q term, Eq. 4 has
 * none; the deterministic actor is the mean head tanh(μ(s)) of a tanh-Gaussian network, so that π_o's mean
 * can be copied in; the CQL term's π(s) samples are π(s) + N(0, σ²) noise (σ = {@code cqlNoise}), clipped,
 * importance-weighted by the Gaussian density; the target action a' = π(s') is deterministic.
 *
 * <p>With a backend that keeps the critic on its device ({@code -Dforler.backend=cuda}), the rectification's
 * Q-evaluations and search run there ({@link DeviceMinQ}); the device copy of the critic is refreshed, in one
 * upload, at the start of each rectification, so it is the critic after the previous step's update. Its ε stream
 * differs from the CPU path's Gaussians, so the two paths draw different candidates from the same seed.
 */
public final class ForlerDevice {
    /** Device hyper-parameters; every default says where it comes from. */
    public record Config(
            int hidden,        // 256 (docs/design.md §Networks and defaults)
            int depth,         // 2 hidden layers (3 for MuJoCo-size tasks)
            float gamma,       // 0.99
            float tau,         // 0.005 Polyak
            float actorLr,     // 3e-4: TD3+BC's actor rate (deterministic actor)
            float criticLr,    // 3e-4: CQL
            float cqlWeight,   // ω_c = 5 (docs/design.md §Baselines, CQL)
            int cqlSamples,    // 10 per kind (CQL)
            float cqlNoise,    // σ = 0.2 around π(s) for the CQL samples (TD3's policy-noise scale)
            float alpha1,      // α1 = 0.5 (docs/design.md §Device step)
            float alpha2,      // α2 = 0.1 (docs/design.md §Device step)
            int batch) {       // 256
        public static Config defaults() { return new Config(256, 2, 0.99f, 0.005f, 3e-4f, 3e-4f, 5f, 10, 0.2f, 0.5f, 0.1f, 256); }
    }

    public final int id;
    public final Config cfg;
    public final ActorRectification rect;
    public final TanhGaussianActor actor;   // used deterministically: tanh(μ(s))
    public final TanhGaussianActor global;  // π₀, frozen copy of the server's policy for this round
    public final ConservativeCritic critic;
    private final Adam actorOpt;
    private final Transitions data;
    private final ActorRectification.QFunction minQ; // MinQ (CPU, default) or DeviceMinQ (the backend's device critic)
    private final Rng rng;
    private final int actDim;
    private float[] rectified = new float[0];
    private long rectifyNanos; // time spent in rectification (Algorithm 1), for the round's time breakdown

    public ForlerDevice(int id, Transitions data, Config cfg, ActorRectification.Config rcfg, long seed) {
        this.id = id;
        this.cfg = cfg;
        this.data = data;
        this.actDim = data.actDim();
        rng = new Rng(seed);
        actor = new TanhGaussianActor(data.obsDim(), actDim, cfg.hidden(), cfg.depth(), rng);
        global = new TanhGaussianActor(data.obsDim(), actDim, cfg.hidden(), cfg.depth(), rng);
        critic = new ConservativeCritic(data.obsDim(), actDim, cfg.hidden(), cfg.depth(), cfg.criticLr(), cfg.gamma(),
                cfg.tau(), cfg.cqlWeight(), cfg.cqlSamples(), 1f, rng);
        actorOpt = new Adam(actor.paramList(), cfg.actorLr());
        rect = new ActorRectification(rcfg, actDim, data.actions());
        minQ = Backends.get().deviceCritic(data.obsDim(), critic.q.net.layers)
                .<ActorRectification.QFunction>map(d -> new DeviceMinQ(d, critic.q))
                .orElseGet(() -> new MinQ(critic.q, data.obsDim(), actDim));
    }

    /** The rectification's Q-function: {@link MinQ} on the CPU, or {@link DeviceMinQ} with the cuda backend. */
    public ActorRectification.QFunction rectificationQ() { return minQ; }

    /** Algorithm 2 line 6: Q_k ← Q_o, π_k ← π_o (and π₀ = π_o for the α2 term). */
    public void receive(TanhGaussianActor piO, QEnsemble q, QEnsemble qTarget) {
        Modules.copy(piO, actor);
        Modules.copy(piO, global);
        Modules.copy(q, critic.q);
        Modules.copy(qTarget, critic.target);
    }

    /** Γ local steps (τ = 0 … Γ−1); returns the mean of each logged quantity. */
    public Map<String, Double> train(int steps) {
        Map<String, Double> sum = new LinkedHashMap<>();
        for (int tau = 0; tau < steps; tau++) {
            step(tau).forEach((k, v) -> sum.merge(k, v / steps, Double::sum));
        }
        return sum;
    }

    /** One local step τ: rectify (Alg. 1), critic (Eq. 3), actor (Eq. 4). */
    public Map<String, Double> step(int tau) {
        try (var arena = Arena.open()) { // this step's intermediate arrays, reused by the next step
            Batch b = data.sample(cfg.batch(), rng);                                     // Algorithm 2 line 8
            int B = b.size(), n = cfg.cqlSamples();
            Tensor pi0, piS, nextAction;
            ConservativeCritic.Sample cur, next;
            try (var g = Tape.noGrad()) {
                piS = actor.meanAction(b.obs());                                     // [B, A]
                pi0 = global.meanAction(b.obs());                                    // [B, A]
                nextAction = actor.meanAction(b.nextObs());                          // [B, A]
                cur = noisy(b.obs().repeat(0, n));                                   // [B·N, A]
                next = noisy(b.nextObs().repeat(0, n));
            }
            // Algorithm 2 line 9: Algorithm 1 with Q_k^τ (skipped when α1 = 0: the rectified action would not enter the loss).
            boolean rectify = cfg.alpha1() > 0;
            rectified = forler.engine.Buffers.grow(rectified, B * actDim);
            long before = minQ.evaluations();
            // The device copy of Q_k^τ: one upload of the packed weights, after the last step's critic update (or a receive/load).
            long t0 = System.nanoTime();
            if (rectify && minQ instanceof DeviceMinQ d) d.refresh();
            if (rectify) rect.rectify(tau, minQ, b.obs().data, piS.data, b.index(), rng, rectified);
            rectifyNanos += System.nanoTime() - t0;
            double qEvals = (double) (minQ.evaluations() - before) / B;
            Tensor aHat = Tensor.of(java.util.Arrays.copyOf(rectified, B * actDim), B, actDim);
            // Algorithm 2 line 10: Eq. 3.
            Map<String, Double> m = new LinkedHashMap<>(critic.update(b, nextAction, cur, next, rng));
            // Algorithm 2 line 11: Eq. 4.
            actorOpt.zeroGrad();
            Tensor a = actor.meanAction(b.obs());                                    // [B, A]
            Tensor q = critic.q.minQ(b.obs(), a);                                    // [B]
            float lambda = 1f / Math.max(meanAbs(q.data), 1e-6f);                   // λ: not in Eq. 4 (a deviation)
            // Eq. 4: −λ·Q term + α2·‖π − π₀‖² term
            Tensor loss = q.mean().scale(-lambda).add(a.sub(pi0).square().sum(1, false).mean().scale(cfg.alpha2()));
            if (rectify) loss = loss.add(a.sub(aHat).square().sum(1, false).mean().scale(cfg.alpha1())); // Eq. 4, α1·‖π − â‖² term
            Tape.backward(loss);
            actorOpt.step();
            m.put("actor_loss", (double) loss.item());
            m.put("q_evals_per_state", qEvals);
            return m;
        }
    }

    /** π(s) + N(0, σ²) clipped to the unit box, with the Gaussian log-density of the noise. */
    private ConservativeCritic.Sample noisy(Tensor s) {
        Tensor mu = actor.meanAction(s);
        float sigma = cfg.cqlNoise();
        float[] a = new float[mu.size()], lp = new float[s.shape[0]];
        double c = -Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        for (int r = 0; r < lp.length; r++) {
            double l = 0;
            for (int j = 0; j < actDim; j++) {
                double e = rng.nextGaussian();
                a[r * actDim + j] = (float) Math.max(-1, Math.min(1, mu.data[r * actDim + j] + sigma * e));
                l += -0.5 * e * e + c;
            }
            lp[r] = (float) l;
        }
        return new ConservativeCritic.Sample(Tensor.of(a, mu.shape), Tensor.of(lp, lp.length));
    }

    private static float meanAbs(float[] v) {
        double s = 0;
        for (float x : v) s += Math.abs(x);
        return (float) (s / v.length);
    }

    /** Nanoseconds spent in rectification so far (wall time of this device's thread). */
    public long rectifyNanos() { return rectifyNanos; }

    /** Total min-Q rows evaluated by the rectification so far. */
    public long qEvaluations() { return minQ.evaluations(); }

    /** Deterministic local policy π_k(s) [B, A] (no tape). */
    public Tensor act(Tensor obs) {
        try (var g = Tape.noGrad()) {
            return actor.meanAction(obs);
        }
    }

    public StateDict state() {
        return new StateDict().module("actor", actor).module("global", global).module("critic", critic.q)
                .module("critic_target", critic.target).adam("actor_opt", actorOpt).adam("critic_opt", critic.opt)
                .tensor("rect_cache", Tensor.of(rect.cache(), rect.cache().length)).rng("rng", rng);
    }

    public void load(StateDict d) {
        d.loadModule("actor", actor);
        d.loadModule("global", global);
        d.loadModule("critic", critic.q);
        d.loadModule("critic_target", critic.target);
        d.loadAdam("actor_opt", actorOpt);
        d.loadAdam("critic_opt", critic.opt);
        d.loadTensor("rect_cache", Tensor.of(rect.cache(), rect.cache().length));
        d.loadRng("rng", rng);
    }
}

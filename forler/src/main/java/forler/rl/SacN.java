package forler.rl;

import forler.engine.Arena;
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
 * SAC-N (An et al., 2021): SAC with an N-head critic ensemble (one {@link QEnsemble}) and the minimum over heads
 * in both the target and the actor loss. With {@code omega > 0} it gains the conservative term of FORLER's
 * server (paper Eq. 6): ω_s·(mean Q(s, a~π) − mean Q(s, a)); with ω_s = 0 it is plain SAC-N. The gap is
 * averaged over the heads by default, so that each head feels ω_s/N of it beside its own full TD term;
 * {@code omegaPerHead} sums it over the heads instead (Σ_i ω_s·(mean_b Q_i(s, a~π) − mean_b Q_i(s, a))), the way
 * {@link ConservativeCritic} sums ω_c's term over its heads: each head then feels ω_s, as Eq. 6 written per Q reads.
 * Ablated at the paper's budget (hopper, FORLER's server, 3 seeds, docs/results.md): per head 60.8 against 56.6
 * over rounds 300–999, within the seeds' spread, and no steadier, so the average stays the default.
 *
 * <p>Critic: Σ_i mean_b (Q_i(s,a) − y)², y = r + γ(1−d)·(min_i Q'_i(s', a') − α·log π(a'|s')), a' ~ π(s').
 * Actor: mean(α·log π(a|s) − min_i Q_i(s, a)), a ~ π(s). α (the paper's β) tuned to entropy −|A|.
 *
 * <p>Deviations: none from CORL's SAC-N beyond the optional ω_s term; FORLER's server swaps in a stacked critic
 * each round ({@link #replaceCritic}), which restarts the critic's Adam moments.
 */
public final class SacN implements Learner {
    /** Hyper-parameters; every default says where it comes from. */
    public record Config(
            int heads,        // N = 10: SAC-N paper for MuJoCo (FORLER's server: 2K)
            int hidden,       // 256: CORL
            int depth,        // 2 hidden layers (docs/design.md §Networks and defaults; 3 for MuJoCo-size)
            float gamma,      // 0.99
            float tau,        // 0.005
            float actorLr,    // 3e-4: CORL SAC-N
            float criticLr,   // 3e-4: CORL SAC-N
            float alphaLr,    // 3e-4: CORL SAC-N
            float omega,      // ω_s = 0 for SAC-N; FORLER's server uses 1 (docs/design.md §Server)
            boolean omegaPerHead, // false: the ω_s gap averaged over heads (docs/design.md §Server); true: summed
            float initAlpha) { // α at the start = 1: CORL's log α = 0
        public static Config defaults() { return new Config(10, 256, 2, 0.99f, 0.005f, 3e-4f, 3e-4f, 3e-4f, 0f, false, 1f); }

        public Config with(int heads, int hidden, int depth, float omega) {
            return new Config(heads, hidden, depth, gamma, tau, actorLr, criticLr, alphaLr, omega, omegaPerHead, initAlpha);
        }

        /**
         * FORLER's server: 2K heads, ω_s, and β starting at 0.1 (Stable-Baselines3's {@code ent_coef="auto_0.1"}):
         * a federated run of a few thousand server steps cannot wait for β to decay from 1, and the global policy
         * evaluated is π_o's mean action. A documented choice; the paper does not give β's start.
         */
        public static Config forlerServer(int devices, int hidden, int depth, float omega, boolean omegaPerHead) {
            return new Config(2 * devices, hidden, depth, 0.99f, 0.005f, 3e-4f, 3e-4f, 3e-4f, omega, omegaPerHead, 0.1f);
        }
    }

    public final Config cfg;
    public final EntropyActor pi;          // tanh-Gaussian actor with α = exp(log α)
    public final TanhGaussianActor actor;  // = pi.net
    public QEnsemble critic, target;
    public final Tensor logAlpha;          // = pi.logAlpha
    private Adam criticOpt;
    private final Rng rng;

    public SacN(int obsDim, int actDim, Config cfg, long seed) {
        this.cfg = cfg;
        rng = new Rng(seed);
        pi = new EntropyActor(obsDim, actDim, cfg.hidden(), cfg.depth(), cfg.actorLr(), cfg.alphaLr(), cfg.initAlpha(), rng);
        actor = pi.net;
        logAlpha = pi.logAlpha;
        critic = new QEnsemble(cfg.heads(), obsDim, actDim, cfg.hidden(), cfg.depth(), rng);
        target = new QEnsemble(cfg.heads(), obsDim, actDim, cfg.hidden(), cfg.depth(), rng);
        Modules.copy(critic, target);
        criticOpt = new Adam(critic.paramList(), cfg.criticLr());
    }

    /** Installs a new critic and target (FORLER's server: the K devices' heads stacked); fresh critic Adam. */
    public void replaceCritic(QEnsemble q, QEnsemble qTarget) {
        critic = q;
        target = qTarget;
        criticOpt = new Adam(critic.paramList(), cfg.criticLr());
    }

    @Override
    public Map<String, Double> update(Batch b) {
        try (var arena = Arena.open()) { // this step's intermediate arrays, reused by the next step
            float alpha = pi.alpha();
            Tensor y;
            try (var g = Tape.noGrad()) {
                TanhGaussianActor.Sample next = actor.sample(b.nextObs(), rng);
                Tensor v = target.minQ(b.nextObs(), next.action()).sub(next.logProb().scale(alpha)); // [B]
                // Eq. 6, the target B̂_K: r + γ(1−d)·(min over all heads of Q'(s', a') − β·log π_o(a'|s')), a' ~ π_o(s')
                y = b.rew().add(b.done().neg().addScalar(1f).mul(v).scale(cfg.gamma()));            // [B]
            }
            // Eq. 7: actor and α on the current critic (CORL's SAC-N order: actor first, then critic).
            EntropyActor.Update u = pi.step(b.obs(), critic::minQ, rng);

            criticOpt.zeroGrad();
            Tensor qData = critic.q(b.obs(), b.act());                                         // [E, B]
            Tensor loss = qData.sub(y).square().mean(1, false).sum();                          // Eq. 6, TD term: Σ_heads mean_b
            double conservative = 0;
            if (cfg.omega() > 0) {
                Tensor aPi;
                try (var g = Tape.noGrad()) {
                    aPi = actor.sample(b.obs(), rng).action();
                }
                // Eq. 6, ω_s term: ω_s·(mean Q(s, a~π_o) − mean Q(s, a)), both means over all heads and the batch;
                // per head: the same gap summed over the E heads (each head's mean over the batch), i.e. E times it
                float weight = cfg.omegaPerHead() ? cfg.omega() * critic.heads() : cfg.omega();
                Tensor gap = critic.q(b.obs(), aPi).mean().sub(qData.mean()).scale(weight);
                conservative = gap.item();
                loss = loss.add(gap);
            }
            Tape.backward(loss);
            criticOpt.step();
            Modules.polyak(critic, target, cfg.tau());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("critic_loss", (double) loss.item());
            m.put("conservative", conservative);
            m.put("actor_loss", u.actorLoss());
            m.put("alpha", (double) alpha);
            m.put("q_data", (double) qData.meanItem());
            return m;
        }
    }

    @Override
    public Rng rng() { return rng; }

    @Override
    public Tensor act(Tensor obs) { return pi.act(obs); }

    @Override
    public StateDict state() {
        return pi.save(new StateDict()).module("critic", critic).module("critic_target", target)
                .adam("critic_opt", criticOpt).rng("rng", rng);
    }

    @Override
    public void load(StateDict d) {
        pi.load(d);
        d.loadModule("critic", critic);
        d.loadModule("critic_target", target);
        d.loadAdam("critic_opt", criticOpt);
        d.loadRng("rng", rng);
    }
}

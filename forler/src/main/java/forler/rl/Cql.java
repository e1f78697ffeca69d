package forler.rl;

import forler.engine.Arena;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.TanhGaussianActor;
import forler.io.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Conservative Q-Learning, CQL(H) (Kumar et al., 2020), as CORL and OfflineRL-Kit implement it: a tanh-Gaussian
 * actor with automatic entropy tuning and the conservative critic of {@link ConservativeCritic}.
 *
 * <p>Order of one step (CORL's): all actor samples are drawn from the pre-update actor; then α and the
 * actor take a step on (α·log π − min_j Q_j(s, π(s))); then the critic takes its step; then the targets move.
 *
 * <p>Deviations from the paper / CORL: fixed ω_c (no Lagrange variant); no behaviour-cloning warm-up
 * (CORL's {@code bc_steps = 0} default); log σ clamped to [−5, 2] (OfflineRL-Kit).
 */
public final class Cql implements Learner {
    /** Hyper-parameters; every default says where it comes from. */
    public record Config(
            int hidden,          // 256: CORL, OfflineRL-Kit
            int depth,           // 2 hidden layers (docs/design.md §Networks and defaults; 3 for MuJoCo-size tasks)
            float gamma,         // 0.99: CQL paper
            float tau,           // 0.005: Polyak rate, CORL
            float actorLr,       // 1e-4: OfflineRL-Kit
            float criticLr,      // 3e-4: CQL paper, CORL, OfflineRL-Kit
            float alphaLr,       // 1e-4: OfflineRL-Kit
            float cqlWeight,     // ω_c = 5: OfflineRL-Kit's cql_weight, docs/design.md §Baselines
            int numSampled,      // 10 uniform, 10 π(s), 10 π(s'): CQL paper
            float temperature) { // 1: CQL paper
        public static Config defaults() { return new Config(256, 2, 0.99f, 0.005f, 1e-4f, 3e-4f, 1e-4f, 5f, 10, 1f); }
    }

    public final Config cfg;
    public final EntropyActor pi;                 // tanh-Gaussian actor, α = exp(log α) starting at 1 (CORL)
    public final TanhGaussianActor actor;         // = pi.net
    public final Tensor logAlpha;                 // = pi.logAlpha
    public final ConservativeCritic critic;
    private final Rng rng;

    public Cql(int obsDim, int actDim, Config cfg, long seed) {
        this.cfg = cfg;
        rng = new Rng(seed);
        pi = new EntropyActor(obsDim, actDim, cfg.hidden(), cfg.depth(), cfg.actorLr(), cfg.alphaLr(), 1f, rng);
        actor = pi.net;
        logAlpha = pi.logAlpha;
        critic = new ConservativeCritic(obsDim, actDim, cfg.hidden(), cfg.depth(), cfg.criticLr(), cfg.gamma(), cfg.tau(),
                cfg.cqlWeight(), cfg.numSampled(), cfg.temperature(), rng);
    }

    @Override
    public Map<String, Double> update(Batch b) {
        try (var arena = Arena.open()) { // this step's intermediate arrays, reused by the next step
            int n = cfg.numSampled();
            // Every actor draw the critic needs comes from the pre-update actor (CORL computes all losses first).
            Tensor nextAction;
            ConservativeCritic.Sample cur, next;
            try (var g = Tape.noGrad()) {
                nextAction = actor.sample(b.nextObs(), rng).action();                        // [B, A]
                cur = draw(b.obs().repeat(0, n));                                            // [B·N, A]
                next = draw(b.nextObs().repeat(0, n));
            }
            // α and the actor step on the current critic.
            EntropyActor.Update u = pi.step(b.obs(), critic.q::minQ, rng);
            Map<String, Double> m = new LinkedHashMap<>(critic.update(b, nextAction, cur, next, rng));
            m.put("actor_loss", u.actorLoss());
            m.put("alpha", u.alpha());
            m.put("entropy", -u.meanLogProb());
            return m;
        }
    }

    private ConservativeCritic.Sample draw(Tensor s) {
        TanhGaussianActor.Sample smp = actor.sample(s, rng);
        return new ConservativeCritic.Sample(smp.action(), smp.logProb());
    }

    @Override
    public Rng rng() { return rng; }

    @Override
    public Tensor act(Tensor obs) { return pi.act(obs); }

    @Override
    public StateDict state() {
        return pi.save(new StateDict()).module("critic", critic.q).module("critic_target", critic.target)
                .adam("critic_opt", critic.opt).rng("rng", rng);
    }

    @Override
    public void load(StateDict d) {
        pi.load(d);
        d.loadModule("critic", critic.q);
        d.loadModule("critic_target", critic.target);
        d.loadAdam("critic_opt", critic.opt);
        d.loadRng("rng", rng);
    }
}

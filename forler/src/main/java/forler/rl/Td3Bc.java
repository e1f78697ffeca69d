package forler.rl;

import forler.engine.Arena;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Adam;
import forler.engine.nn.Modules;
import forler.engine.nn.TanhActor;
import forler.io.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TD3+BC (Fujimoto &amp; Gu, 2021), as CORL's {@code td3_bc.py} writes it: TD3 with a behaviour-cloning term in
 * the actor loss and states normalised with the dataset's mean and std.
 *
 * <p>Critic (every step): Σ_heads mean_b (Q_j(s,a) − y)², y = r + γ(1−d)·min_j Q'_j(s', a'),
 * a' = clip(π'(s') + clip(ε, −c, c), −1, 1), ε ~ N(0, σ²) (σ = 0.2, c = 0.5 in the unit box).
 * Actor (every {@code policyDelay}-th step, counting steps from 1 as CORL's {@code total_it}):
 * −λ·mean_b Q_1(s, π(s)) + mean_{b,i} (π(s) − a)², λ = α / mean_b |Q_1(s, π(s))| (detached);
 * then critic, critic target and actor target move by Polyak τ (only on those steps, as in CORL).
 *
 * <p>FEDORA reuses this step with {@link Hooks}: an optimistic bootstrap value and a rewritten actor loss.
 *
 * <p>Deviations from the paper / CORL:
 * <ul>
 *   <li>state normalisation is done by the caller ({@link DatasetTransitions} with {@code Dataset.obsStats()},
 *       and the same statistics in {@link Agent}); its std is floored at {@code Dataset.STD_FLOOR} = 1e-3
 *       where TD3+BC adds 1e-3 to it (differs only where std is near 1e-3);</li>
 *   <li>actions live in the unit box, so noise σ and clip c are in units of half the action range
 *       (TD3+BC scales them by max_action, the same for symmetric boxes);</li>
 *   <li>the two critics are one 2-head {@link QEnsemble} (same maths as two MLPs);
 *       3 hidden layers on the MuJoCo-size tasks (docs/design.md §Networks and defaults) where TD3+BC uses 2.</li>
 * </ul>
 */
public final class Td3Bc implements Learner {
    /** Hyper-parameters; every default says where it comes from. */
    public record Config(
            int hidden,         // 256: TD3+BC paper, CORL
            int depth,          // 2 hidden layers: TD3+BC (docs/design.md §Networks and defaults: 3 for MuJoCo-size tasks)
            float gamma,        // 0.99: TD3+BC
            float tau,          // 0.005: TD3+BC
            float actorLr,      // 3e-4: TD3+BC
            float criticLr,     // 3e-4: TD3+BC
            float alpha,        // α = 2.5: TD3+BC
            float policyNoise,  // σ = 0.2 (× max_action): TD3
            float noiseClip,    // c = 0.5 (× max_action): TD3
            int policyDelay) {  // 2: TD3
        public static Config defaults() { return new Config(256, 2, 0.99f, 0.005f, 3e-4f, 3e-4f, 2.5f, 0.2f, 0.5f, 2); }

        public Config withNet(int hidden, int depth) {
            return new Config(hidden, depth, gamma, tau, actorLr, criticLr, alpha, policyNoise, noiseClip, policyDelay);
        }
    }

    /** Changes to one step (FEDORA); TD3+BC itself is {@link #NONE}. */
    public interface Hooks {
        /** The value bootstrapped at s': {@code targetMin} [B] = min_j Q'_j(s', a'); returns [B]. Runs without tape. */
        default Tensor nextValue(Tensor nextObs, Tensor nextAction, Tensor targetMin) { return targetMin; }

        /** The actor loss to minimise, given TD3+BC's (a scalar on the tape) and π(s) [B, A]. */
        default Tensor actorLoss(Tensor td3bcLoss, Tensor pi, Batch b) { return td3bcLoss; }
    }

    public static final Hooks NONE = new Hooks() {};

    public final Config cfg;
    public final TanhActor actor, actorTarget;
    public final QEnsemble critic, criticTarget; // 2 heads
    private final Adam actorOpt, criticOpt;
    private final Rng rng;
    private long steps;            // updates done (CORL's total_it)
    private double lastActorLoss;  // the latest actor loss, logged on every step (0 before the first)

    public Td3Bc(int obsDim, int actDim, Config cfg, long seed) {
        if (cfg.policyDelay() < 1) throw new IllegalArgumentException("TD3+BC: policy delay must be >= 1, got " + cfg.policyDelay());
        this.cfg = cfg;
        rng = new Rng(seed);
        actor = new TanhActor(obsDim, actDim, cfg.hidden(), cfg.depth(), rng);
        actorTarget = new TanhActor(obsDim, actDim, cfg.hidden(), cfg.depth(), rng);
        Modules.copy(actor, actorTarget);
        critic = new QEnsemble(2, obsDim, actDim, cfg.hidden(), cfg.depth(), rng);
        criticTarget = new QEnsemble(2, obsDim, actDim, cfg.hidden(), cfg.depth(), rng);
        Modules.copy(critic, criticTarget);
        actorOpt = new Adam(actor.paramList(), cfg.actorLr());
        criticOpt = new Adam(critic.paramList(), cfg.criticLr());
    }

    @Override
    public Map<String, Double> update(Batch b) { return update(b, NONE); }

    /** One TD3+BC step, with FEDORA's changes if {@code hooks} has any. */
    public Map<String, Double> update(Batch b, Hooks hooks) {
        try (var arena = Arena.open()) { // this step's intermediate arrays, reused by the next step
            steps++;
            Tensor y;
            try (var g = Tape.noGrad()) {
                y = target(b, targetAction(b.nextObs()), hooks);                          // [B]
            }
            criticOpt.zeroGrad();
            Tensor criticLoss = criticLoss(b, y);
            Tape.backward(criticLoss);
            criticOpt.step();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("critic_loss", (double) criticLoss.item());
            if (steps % cfg.policyDelay() == 0) {
                actorOpt.zeroGrad();
                Tensor pi = actor.forward(b.obs());                                         // [B, A]
                Tensor loss = hooks.actorLoss(actorLoss(b, pi), pi, b);
                Tape.backward(loss);
                actorOpt.step();
                lastActorLoss = loss.item();
                Modules.polyak(critic, criticTarget, cfg.tau());
                Modules.polyak(actor, actorTarget, cfg.tau());
            }
            m.put("actor_loss", lastActorLoss);
            return m;
        }
    }

    /** a' = clip(π'(s') + clip(N(0, σ²), −c, c), −1, 1): s'[B, S] → [B, A] (draws B·A normals from the rng). */
    public Tensor targetAction(Tensor nextObs) {
        Tensor mu = actorTarget.forward(nextObs);                                       // [B, A]
        Tensor noise = Tensor.randn(rng, mu.shape).scale(cfg.policyNoise()).clamp(-cfg.noiseClip(), cfg.noiseClip());
        return mu.add(noise).clamp(-1f, 1f);
    }

    /** y = r + γ(1−d)·hooks.nextValue(min_j Q'_j(s', a')): [B]. */
    public Tensor target(Batch b, Tensor nextAction, Hooks hooks) {
        Tensor v = hooks.nextValue(b.nextObs(), nextAction, criticTarget.minQ(b.nextObs(), nextAction)); // [B]
        return b.rew().add(b.done().neg().addScalar(1f).mul(v).scale(cfg.gamma()));
    }

    /** Σ_heads mean_b (Q_j(s, a) − y)² (CORL: mse(Q1, y) + mse(Q2, y)). */
    public Tensor criticLoss(Batch b, Tensor y) {
        return critic.q(b.obs(), b.act()).sub(y).square().mean(1, false).sum();       // [2, B] → scalar
    }

    /** −λ·mean Q_1(s, π) + mean (π − a)², λ = α / mean|Q_1(s, π)| detached; {@code pi} [B, A] on the tape. */
    public Tensor actorLoss(Batch b, Tensor pi) {
        Tensor q1 = critic.q(b.obs(), pi).slice(0, 0, 1);                               // [1, B]
        double abs = 0;
        for (float v : q1.data) abs += Math.abs(v);
        float lambda = (float) (cfg.alpha() / Math.max(abs / q1.size(), 1e-12));
        return q1.mean().scale(-lambda).add(pi.sub(b.act()).square().mean());         // Eq. 1
    }

    /** Updates done so far. */
    public long steps() { return steps; }

    @Override
    public Rng rng() { return rng; }

    @Override
    public Tensor act(Tensor obs) {
        try (var g = Tape.noGrad()) {
            return actor.forward(obs);
        }
    }

    @Override
    public StateDict state() {
        return new StateDict().module("actor", actor).module("actor_target", actorTarget).module("critic", critic)
                .module("critic_target", criticTarget).adam("actor_opt", actorOpt).adam("critic_opt", criticOpt)
                .rng("rng", rng).scalar("steps", steps).scalar("last_actor_loss", lastActorLoss);
    }

    @Override
    public void load(StateDict d) {
        d.loadModule("actor", actor);
        d.loadModule("actor_target", actorTarget);
        d.loadModule("critic", critic);
        d.loadModule("critic_target", criticTarget);
        d.loadAdam("actor_opt", actorOpt);
        d.loadAdam("critic_opt", criticOpt);
        d.loadRng("rng", rng);
        steps = (long) d.getScalar("steps");
        lastActorLoss = d.getScalar("last_actor_loss");
    }
}

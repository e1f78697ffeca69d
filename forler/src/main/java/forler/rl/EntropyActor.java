package forler.rl;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Adam;
import forler.engine.nn.TanhGaussianActor;
import forler.io.StateDict;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The actor half of SAC-style learners ({@link Cql}, {@link SacN}, and through SacN the FORLER server and online
 * SAC): a tanh-Gaussian policy trained on mean(α·log π(a|s) − Q(s, a)), a ~ π(s), with α = exp(log α) tuned so
 * the policy's entropy tracks −|A| (Haarnoja et al. 2018): loss_α = −mean(log α · (log π + target)).
 */
public final class EntropyActor {
    public final TanhGaussianActor net;
    public final Tensor logAlpha; // [1]
    final Adam opt, alphaOpt;
    private final float targetEntropy; // −|A|: SAC's heuristic

    EntropyActor(int obsDim, int actDim, int hidden, int depth, float lr, float alphaLr, float initAlpha, Rng rng) {
        logAlpha = Tensor.param(new float[] {(float) Math.log(initAlpha)}, 1);
        net = new TanhGaussianActor(obsDim, actDim, hidden, depth, rng);
        opt = new Adam(net.paramList(), lr);
        alphaOpt = new Adam(List.of(logAlpha), alphaLr);
        targetEntropy = -actDim;
    }

    /** α now. */
    public float alpha() { return (float) Math.exp(logAlpha.data[0]); }

    /** What one step logged: the actor loss, the α it used, and the mean log π of its sample. */
    public record Update(double actorLoss, double alpha, double meanLogProb) {}

    /**
     * One step of the actor and of α on obs[B, S]; {@code minQ} gives the critic's value [B] of (s[B, S], a[B, A]).
     */
    public Update step(Tensor obs, BiFunction<Tensor, Tensor, Tensor> minQ, Rng rng) {
        float alpha = alpha();
        opt.zeroGrad();
        alphaOpt.zeroGrad();
        TanhGaussianActor.Sample pi = net.sample(obs, rng);
        // Eq. 7 on FORLER's server (minQ = min over its 2K heads): mean(β·log π(a|s) − min_i Q_i(s, a))
        Tensor actorLoss = pi.logProb().scale(alpha).sub(minQ.apply(obs, pi.action())).mean();
        Tensor alphaLoss = logAlpha.mul(pi.logProb().detach().addScalar(targetEntropy)).mean().neg();
        Tape.backward(actorLoss.add(alphaLoss));
        opt.step();
        alphaOpt.step();
        return new Update(actorLoss.item(), alpha, pi.logProb().meanItem());
    }

    /** The deterministic action tanh(μ(s)) [B, A], no tape. */
    public Tensor act(Tensor obs) {
        try (var g = Tape.noGrad()) {
            return net.meanAction(obs);
        }
    }

    /** Adds the actor, log α and both optimisers under the keys learners have always used. */
    StateDict save(StateDict d) {
        return d.module("actor", net).tensor("log_alpha", logAlpha).adam("actor_opt", opt).adam("alpha_opt", alphaOpt);
    }

    void load(StateDict d) {
        d.loadModule("actor", net);
        d.loadTensor("log_alpha", logAlpha);
        d.loadAdam("actor_opt", opt);
        d.loadAdam("alpha_opt", alphaOpt);
    }
}

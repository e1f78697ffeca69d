package forler.rl;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Adam;
import forler.engine.nn.TanhGaussianActor;
import forler.env.Env;
import forler.env.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DAgger (Ross, Gordon and Bagnell 2011) of a scripted, stateful expert into the tanh-Gaussian actor every shipped
 * behaviour policy uses. Where online SAC does not learn a task at this project's budget (bipedalwalker), this turns
 * the task's own scripted controller (Gymnasium's heuristic gait) into a network policy file.
 *
 * <p>Iteration i (β_i = βdecay^i, so iteration 0 is the expert alone):
 * <ol>
 *   <li>run {@code episodesPerIteration} episodes; at every step the expert sees the observation (its state
 *       machine follows the trajectory actually taken) and gives its label a*; the step executes a* with
 *       probability β_i, else the student's deterministic action tanh(μ(s));</li>
 *   <li>add every visited (s, a*) to the aggregate, and every executed transition to the replay record;</li>
 *   <li>train the student's mean path (trunk and μ head) {@code gradSteps} Adam steps on batches of the aggregate:
 *       loss = mean‖tanh(μ(s)) − a*‖².</li>
 * </ol>
 * The expert is deterministic, so there is no spread to learn: the log σ head is fixed to the constant log σ₀ (zero
 * weights, bias log σ₀) and never trained, which sets how far the stochastic policy used for data collection strays
 * from tanh(μ(s)).
 * Deviation from the paper: the aggregate is sampled uniformly by minibatch instead of solved to optimality per
 * iteration. Actions here are the actor's [−1, 1] units; the task's box must be [−1, 1] (bipedalwalker's is).
 */
public final class Dagger {
    public record Config(
            int hidden,               // 256: SAC's width; at 64 the student's fit stalls (loss ≈ 0.015 vs 0.002) and it falls
            int depth,                // 2 hidden layers: SAC's actor
            int iterations,           // 30: returns kept rising up to ≈ 20 iterations in the 2026-11-29 trial runs
            int episodesPerIteration, // 8 episodes of up to 1600 steps: ≈ 3–7k labelled states per iteration
            int gradSteps,            // 12000 Adam steps per iteration on the whole aggregate
            int batchSize,            // 256: as SAC
            float lr,                 // 1e-3: supervised regression converges in few steps at this rate
            float betaDecay,          // 0.5: β_i = 0.5^i, the geometric mixing the DAgger paper analyses
            float sigma) {            // 0.02: σ₀ of the stochastic policy (pre-tanh). The gait is fragile: the
                                      // 2026-11-29 trial expert (192 deterministic) scored −52 / 101 / 179 stochastic
                                      // at σ₀ 0.05 / 0.02 / 0.01 (20 episodes); 0.02 keeps it walking with some spread
        public static Config defaults() { return new Config(256, 2, 30, 8, 12000, 256, 1e-3f, 0.5f, 0.02f); }
    }

    /** A scripted expert with a per-episode state. */
    public interface Expert {
        void reset();

        float[] act(float[] obs);
    }

    public final Config cfg;
    public final TanhGaussianActor student;
    private final Adam opt;
    private final Env env;
    private final Expert expert;
    private final Rng rng;
    private final long seed;
    private final int s, a;
    private int iteration;
    private int episode;
    // every executed transition in collection order (the "training replay buffer"); its observations are the
    // aggregate's visited states, labels[i] the expert's action at row i
    private final Dataset.Builder replay;
    private float[] labels = new float[0];     // [N, A]
    private int n;

    public Dagger(Env env, Expert expert, Config cfg, long seed) {
        for (int i = 0; i < env.actDim(); i++)
            if (env.actLow()[i] != -1f || env.actHigh()[i] != 1f)
                throw new IllegalArgumentException("Dagger: task " + env.name() + "'s action box is not [-1, 1]; not supported");
        this.env = env;
        this.expert = expert;
        this.cfg = cfg;
        this.seed = seed;
        this.rng = new Rng(seed);
        this.s = env.obsDim();
        this.a = env.actDim();
        this.student = new TanhGaussianActor(s, a, cfg.hidden(), cfg.depth(), rng.split());
        Arrays.fill(student.logStd.weight.data, 0f);
        Arrays.fill(student.logStd.bias.data, (float) Math.log(cfg.sigma()));
        List<Tensor> trained = new ArrayList<>(student.trunk.paramList());
        trained.addAll(student.mu.paramList());
        this.opt = new Adam(trained, cfg.lr());                  // the log σ head stays constant
        this.replay = new Dataset.Builder(s, a, 1 << 14);
    }

    /** What one iteration did. */
    public record Iteration(int index, double beta, int aggregate, double meanEpisodeReturn, double finalLoss) {}

    /** Runs the next iteration: collect with β_i (episode k from reset(Sac.episodeSeed(seed, k))), aggregate, train. */
    public Iteration iterate() {
        double beta = Math.pow(cfg.betaDecay(), iteration);
        double returns = 0;
        for (int e = 0; e < cfg.episodesPerIteration(); e++) returns += collect(beta, Sac.episodeSeed(seed, episode++));
        double loss = Double.NaN;
        for (int g = 0; g < cfg.gradSteps(); g++) loss = trainStep();
        return new Iteration(iteration++, beta, n, returns / cfg.episodesPerIteration(), loss);
    }

    private double collect(double beta, long episodeSeed) {
        expert.reset();
        float[] obs = env.reset(episodeSeed);
        double ret = 0;
        while (true) {
            obs = obs.clone();                                     // an env may reuse its observation array
            float[] label = expert.act(obs);                       // [A], advances the expert's state machine
            appendLabel(label);
            float[] act = rng.nextDouble() < beta ? label : studentAction(obs);
            Env.Step st = env.step(act);
            replay.add(obs, act, (float) st.reward(), st.obs(), st.terminated(), st.truncated());
            ret += st.reward();
            if (st.done()) return ret;
            obs = st.obs();
        }
    }

    private float[] studentAction(float[] obs) {
        try (var g = Tape.noGrad()) {
            return student.meanAction(Tensor.of(obs.clone(), 1, s)).data;  // [1, A] → [A]
        }
    }

    private void appendLabel(float[] label) {
        if ((n + 1) * a > labels.length) labels = Arrays.copyOf(labels, Math.max(1024, 2 * n) * a);
        System.arraycopy(label, 0, labels, n * a, a);
        n++;
    }

    /** One Adam step on a uniform minibatch of the aggregate; returns the loss. */
    double trainStep() {
        int b = cfg.batchSize();
        float[] xs = new float[b * s], ys = new float[b * a];  // [B, S], [B, A]
        for (int i = 0; i < b; i++) {
            int j = rng.nextInt(n);
            replay.copyObservation(j, xs, i * s);
            System.arraycopy(labels, j * a, ys, i * a, a);
        }
        opt.zeroGrad();
        Tensor loss = student.meanAction(Tensor.of(xs, b, s)).sub(Tensor.of(ys, b, a)).square().mean();  // [B, A] → []
        Tape.backward(loss);
        opt.step();
        return loss.item();
    }

    /** The student's deterministic policy tanh(μ(s)). */
    public Policy deterministicPolicy() { return (obs, r) -> studentAction(obs); }

    /** Every executed transition so far, in collection order. */
    public Dataset replay() { return replay.build(); }

    /** Transitions executed so far. */
    public int replaySize() { return replay.size(); }
}

package forler.rl;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Policy;
import forler.io.StateDict;
import java.util.Arrays;
import java.util.Map;

/**
 * Online Soft Actor-Critic (Haarnoja et al., 2018, "SAC: Off-Policy Maximum Entropy Deep RL with a Stochastic
 * Actor", with the automatic entropy tuning of the follow-up "SAC Algorithms and Applications"), as SB3 and
 * CORL run it: a tanh-Gaussian actor, two Q heads with the min in the target (including −α·log π), α tuned to
 * the entropy target −|A|, Polyak targets, a replay buffer, {@code learningStarts} uniform-random steps first,
 * then one gradient step per environment step. The gradient step is {@link SacN}'s with N = 2 heads and no
 * conservative term: SAC-N with two heads is SAC, so the update is written once.
 *
 * <p>The networks act in the unit box [−1, 1]^A; {@link ActionScale} maps to the task's bounds. Time-limit
 * truncations bootstrap (only {@code terminated} sets done), as SB3 does with {@code handle_timeout_termination}.
 *
 * <p>Determinism: everything is drawn from the seed: network init and update noise ({@link SacN}'s Rng), and one
 * Rng here for warm-up actions, exploration noise and minibatch indices; training episode k starts from
 * {@code env.reset(episodeSeed(seed, k))}. {@link #state()} holds all of it plus the replay buffer;
 * {@link #load} restores it and re-plays the running episode's actions from the buffer to put the environment
 * back into the same state, so a resumed run gives the same bits as an uninterrupted one.
 *
 * <p>Deviations from SB3/CORL: the order inside a gradient step is CORL's (actor and α, then critic, see
 * {@link SacN}) where SB3 steps α, then the critic, then the actor; log σ clamped to [−5, 2] (OfflineRL-Kit; SB3
 * uses [−20, 2]); warm-up actions uniform in the unit box (SB3's {@code action_space.sample()}, the same after
 * scaling); optional {@code warmupHold} (held warm-up actions, off by default).
 */
public final class Sac {
    /** Hyper-parameters; every default says where it comes from. */
    public record Config(
            int hidden,         // 256: SAC paper, SB3, CORL
            int depth,          // 2 hidden layers: SAC paper, SB3
            float gamma,        // 0.99: SAC paper
            float tau,          // 0.005: SAC paper, SB3
            float lr,           // 3e-4 for actor, critic and α: SAC paper, SB3
            int batchSize,      // 256: SAC paper, SB3
            int bufferSize,     // 1e6: SAC paper, SB3
            int learningStarts, // 5000 uniform-random steps for MuJoCo-size tasks (CORL/SB3 zoo use 1e4/5e3);
                                // 1000 for pendulum (see forTask)
            int warmupHold) {   // 1: each warm-up action drawn afresh (SB3). K > 1 holds each uniform warm-up action
                                // for K steps: temporally correlated exploration (a deviation, for mountaincar)
        public static Config defaults() { return new Config(256, 2, 0.99f, 0.005f, 3e-4f, 256, 1_000_000, 5000, 1); }

        /** The defaults with {@code learningStarts} suited to a task: 1000 for pendulum (short, easy), else 5000. */
        public static Config forTask(String task) {
            Config d = defaults();
            return task.equals("pendulum") ? d.withLearningStarts(1000) : d;
        }

        public Config withLearningStarts(int n) { return new Config(hidden, depth, gamma, tau, lr, batchSize, bufferSize, n, warmupHold); }

        public Config withHidden(int h) { return new Config(h, depth, gamma, tau, lr, batchSize, bufferSize, learningStarts, warmupHold); }

        public Config withLr(float r) { return new Config(hidden, depth, gamma, tau, r, batchSize, bufferSize, learningStarts, warmupHold); }

        public Config withTargets(float g, float t) { return new Config(hidden, depth, g, t, lr, batchSize, bufferSize, learningStarts, warmupHold); }

        public Config withBatchSize(int b) { return new Config(hidden, depth, gamma, tau, lr, b, bufferSize, learningStarts, warmupHold); }

        public Config withWarmupHold(int k) { return new Config(hidden, depth, gamma, tau, lr, batchSize, bufferSize, learningStarts, k); }

        /** The gradient step's configuration: SAC-N with two heads and ω = 0. */
        public SacN.Config learner() { return new SacN.Config(2, hidden, depth, gamma, tau, lr, lr, lr, 0f, false, 1f); }
    }

    public final Config cfg;
    public final long seed;
    public final Env env;
    public final ActionScale scale;
    public final SacN learner;
    public final ReplayBuffer buffer;
    private final Rng rng;           // warm-up actions, exploration noise, minibatch indices
    private long step;               // environment steps taken
    private int episode;             // index of the running episode
    private int episodeSteps;        // steps taken in it
    private double episodeReturn;    // its return so far
    private double lastEpisodeReturn = Double.NaN;
    private float[] obs;             // [S] current observation
    private Map<String, Double> lastUpdate = Map.of();

    public Sac(Env env, Config cfg, long seed) {
        this.env = env;
        this.cfg = cfg;
        this.seed = seed;
        scale = new ActionScale(env.actLow(), env.actHigh());
        learner = new SacN(env.obsDim(), env.actDim(), cfg.learner(), seed);
        buffer = new ReplayBuffer(env.obsDim(), env.actDim(), cfg.bufferSize());
        rng = new Rng(seed ^ 0x5ACL).split();
        obs = env.reset(episodeSeed(seed, 0));
    }

    /** Seed of training episode k: mixed so that it does not collide with evaluation seeds (small integers). */
    public static long episodeSeed(long seed, int k) { return seed * 0x9E3779B97F4A7C15L + 0x7F4A7C15L + k; }

    /** One environment step (a uniform action during warm-up, else a sample of π), then one gradient step. */
    public void step() {
        float[] u;                                                         // [A] unit box
        if (step < cfg.learningStarts() && step % cfg.warmupHold() != 0) {
            u = buffer.recentAction(0);                                    // hold the previous warm-up action
        } else if (step < cfg.learningStarts()) {
            u = new float[env.actDim()];
            for (int i = 0; i < u.length; i++) u[i] = 2f * rng.nextFloat() - 1f;
        } else {
            try (var g = Tape.noGrad()) {
                u = learner.actor.sample(Tensor.of(obs.clone(), 1, obs.length), rng).action().data;
            }
        }
        Env.Step s = env.step(scale.toEnv(u));
        buffer.add(obs, u, (float) s.reward(), s.obs(), s.terminated(), s.truncated());
        step++;
        episodeSteps++;
        episodeReturn += s.reward();
        if (s.done()) {
            lastEpisodeReturn = episodeReturn;
            episode++;
            episodeSteps = 0;
            episodeReturn = 0;
            obs = env.reset(episodeSeed(seed, episode));
        } else {
            obs = s.obs();
        }
        if (step > cfg.learningStarts()) lastUpdate = learner.update(buffer.sample(cfg.batchSize(), rng));
    }

    public long steps() { return step; }

    public int episodes() { return episode; }

    /** Return of the last finished training episode (NaN before the first ends). */
    public double lastEpisodeReturn() { return lastEpisodeReturn; }

    /** Statistics of the last gradient step (critic loss, α, ...), empty during warm-up. */
    public Map<String, Double> lastUpdate() { return lastUpdate; }

    /** The deterministic policy tanh(μ(s)) in the task's units (for evaluation). */
    public Policy deterministicPolicy() { return new Agent(learner::act, null, scale); }

    /** Learner, buffer, Rng and counters: everything a resumed run needs. */
    public StateDict state() {
        StateDict d = new StateDict().put("learner.", learner.state()).put("buffer.", buffer.state()).rng("sac.rng", rng);
        d.meta.put("sac.step", Long.toString(step));
        d.meta.put("sac.episode", Integer.toString(episode));
        d.meta.put("sac.episode_steps", Integer.toString(episodeSteps));
        d.meta.put("sac.last_episode_return", Double.toString(lastEpisodeReturn));
        d.meta.put("sac.seed", Long.toString(seed));
        d.meta.put("sac.task", env.name());
        d.meta.put("sac.config", cfg.toString());
        return d;
    }

    /** Restores {@link #state()} and re-plays the running episode so the environment is where it was. */
    public void load(StateDict d) {
        String task = d.meta.get("sac.task"), sd = d.meta.get("sac.seed"), c = d.meta.get("sac.config");
        if (!env.name().equals(task) || !Long.toString(seed).equals(sd) || !cfg.toString().equals(c))
            throw new IllegalArgumentException("checkpoint is for task " + task + ", seed " + sd + ", " + c
                    + " but this run is task " + env.name() + ", seed " + seed + ", " + cfg
                    + "; resume with the same --task, --seed and settings, or use a fresh --out directory");
        learner.load(d.sub("learner."));
        buffer.load(d.sub("buffer."));
        d.loadRng("sac.rng", rng);
        step = Long.parseLong(d.meta.get("sac.step"));
        episode = Integer.parseInt(d.meta.get("sac.episode"));
        episodeSteps = Integer.parseInt(d.meta.get("sac.episode_steps"));
        lastEpisodeReturn = Double.parseDouble(d.meta.get("sac.last_episode_return"));
        obs = env.reset(episodeSeed(seed, episode));
        episodeReturn = 0;
        Env.Step s = null;
        for (int j = episodeSteps - 1; j >= 0; j--) {
            s = env.step(scale.toEnv(buffer.recentAction(j)));
            episodeReturn += s.reward();
            obs = s.obs();
        }
        if (s != null && (s.done() || !Arrays.equals(obs, buffer.recentNextObs(0))))
            throw new IllegalStateException("resume: re-playing the running episode of " + env.name()
                    + " did not reproduce the stored observations; the task is not deterministic from its seed");
    }
}

package forler.data;

import forler.engine.Rng;
import forler.env.Env;

/**
 * A 1-D point mass for the dataset tests: state (x, v), action a in [-1, 1],
 * v' = v + 0.1 a, x' = x + 0.1 v', reward -x'^2; terminated when |x'| > 1.5; truncated after 40 steps.
 * reset(seed): x uniform in [-1, 1] from Rng(seed), v = 0. Reuses its observation array on purpose,
 * so collectors that keep references to it get caught.
 */
public final class PointMassEnv implements Env {
    static final int MAX_STEPS = 40;
    private final float[] obs = new float[2];
    private int t;

    @Override public String name() { return "point"; }
    @Override public int obsDim() { return 2; }
    @Override public int actDim() { return 1; }
    @Override public float[] actLow() { return new float[] {-1}; }
    @Override public float[] actHigh() { return new float[] {1}; }
    @Override public int maxEpisodeSteps() { return MAX_STEPS; }

    @Override
    public float[] reset(long seed) {
        obs[0] = new Rng(seed).nextFloat() * 2 - 1;
        obs[1] = 0;
        t = 0;
        return obs;
    }

    @Override
    public Step step(float[] action) {
        if (action.length != 1 || Float.isNaN(action[0])) throw new IllegalArgumentException("bad action");
        float a = Math.max(-1, Math.min(1, action[0]));
        obs[1] = obs[1] + 0.1f * a;
        obs[0] = obs[0] + 0.1f * obs[1];
        t++;
        boolean terminated = Math.abs(obs[0]) > 1.5f;
        return new Step(obs, -obs[0] * obs[0], terminated, t >= MAX_STEPS);
    }
}

package forler.env.mujoco;

import forler.engine.Rng;

/**
 * What Gym's hopper and walker2d share (hopper_v3.py and walker2d_v3.py are the same file but for the health
 * check): a planar body that walks along x with frame skip 4 and must stay upright.
 * Observation = qpos[1:] ++ clip(qvel, ±10). Reward = w_f·Δx/dt + healthy − w_c·Σa² (the healthy bonus is paid on
 * the terminal step too, as Gym does). Reset: qpos0 and zero velocity plus U(±noise) on each.
 * Subclasses say what "unhealthy" means.
 */
abstract class PlanarWalkerEnv extends MuJoCoEnv {
    private final double forwardRewardWeight, healthyReward, ctrlCostWeight, resetNoise;

    PlanarWalkerEnv(String name, String model, int obsDim,
                    double forwardRewardWeight, double healthyReward, double ctrlCostWeight, double resetNoise) {
        super(name, model, 4, obsDim);
        this.forwardRewardWeight = forwardRewardWeight;
        this.healthyReward = healthyReward;
        this.ctrlCostWeight = ctrlCostWeight;
        this.resetNoise = resetNoise;
    }

    @Override
    protected final void addResetNoise(Rng rng, double[] qpos, double[] qvel) {
        addUniform(rng, qpos, resetNoise);
        addUniform(rng, qvel, resetNoise);
    }

    @Override
    protected final void observe(float[] out) { putPositionsVelocities(out, 1, 10.0); }

    @Override
    protected final double reward(double xBefore, double xAfter) {
        return forwardRewardWeight * (xAfter - xBefore) / dt + healthyReward - ctrlCostWeight * ctrlSquaredSum();
    }
}

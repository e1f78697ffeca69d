package forler.env.mujoco;

/**
 * Walker2d as Gym's Walker2d-v2/v3 (default arguments), the env behind D4RL's {@code walker2d-*-v2} files:
 * model {@code walker2d.xml}, frame skip 4 (dt 0.008).
 * Observation [17] = qpos[1:] (8) ++ clip(qvel, ±10) (9).
 * Reward = Δx/dt + 1 − 1e-3·Σa². Terminates when unhealthy: height qpos[1] in (0.8, 2.0) and angle qpos[2]
 * in (−1, 1) (no state bound, unlike the hopper). Reset: qpos0 and zero velocity plus U(±5e-3) on each.
 */
public final class Walker2dEnv extends PlanarWalkerEnv {
    /** Gym walker2d_v3 defaults (equal to the constants of walker2d.py, v2). */
    public record Config(
            double forwardRewardWeight, // 1.0
            double ctrlCostWeight,      // 1e-3
            double healthyReward,       // 1.0
            double minZ,                // 0.8: healthy_z_range (0.8, 2.0)
            double maxZ,                // 2.0
            double maxAngle,            // 1.0: healthy_angle_range (-1, 1)
            double resetNoise) {        // 5e-3: reset_noise_scale
        public static final Config DEFAULT = new Config(1.0, 1e-3, 1.0, 0.8, 2.0, 1.0, 5e-3);
    }

    private final Config cfg;

    public Walker2dEnv() { this(Config.DEFAULT); }

    public Walker2dEnv(Config cfg) {
        super("walker2d", "walker2d.xml", 17, cfg.forwardRewardWeight(), cfg.healthyReward(), cfg.ctrlCostWeight(),
                cfg.resetNoise());
        this.cfg = cfg;
    }

    @Override
    protected String unhealthyReason() {
        String z = outside("height", qpos[1], cfg.minZ(), cfg.maxZ());
        return z != null ? z : outside("angle", qpos[2], -cfg.maxAngle(), cfg.maxAngle());
    }
}

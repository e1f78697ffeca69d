package forler.env.mujoco;

/**
 * Hopper as Gym's Hopper-v2/v3 (hopper.py / hopper_v3.py with default arguments), the env behind D4RL's
 * {@code hopper-*-v2} files: model {@code hopper.xml}, frame skip 4 (dt 0.008).
 * Observation [11] = qpos[1:] (5) ++ clip(qvel, ±10) (6).
 * Reward = Δx/dt + 1 − 1e-3·Σa² (the healthy bonus is paid on the terminal step too, as Gym does).
 * Terminates when unhealthy: every element of (qpos ++ qvel)[2:] in (−100, 100), height qpos[1] > 0.7,
 * angle qpos[2] in (−0.2, 0.2). Reset: qpos0 and zero velocity plus U(±5e-3) on each.
 */
public final class HopperEnv extends PlanarWalkerEnv {
    /** Gym hopper_v3 defaults (equal to the constants of hopper.py, v2). */
    public record Config(
            double forwardRewardWeight, // 1.0
            double ctrlCostWeight,      // 1e-3
            double healthyReward,       // 1.0
            double stateBound,          // 100: healthy_state_range (-100, 100)
            double minZ,                // 0.7: healthy_z_range (0.7, inf)
            double maxAngle,            // 0.2: healthy_angle_range (-0.2, 0.2)
            double resetNoise) {        // 5e-3: reset_noise_scale
        public static final Config DEFAULT = new Config(1.0, 1e-3, 1.0, 100, 0.7, 0.2, 5e-3);
    }

    private final Config cfg;

    public HopperEnv() { this(Config.DEFAULT); }

    public HopperEnv(Config cfg) {
        super("hopper", "hopper.xml", 11, cfg.forwardRewardWeight(), cfg.healthyReward(), cfg.ctrlCostWeight(),
                cfg.resetNoise());
        this.cfg = cfg;
    }

    @Override
    protected String unhealthyReason() {
        double b = cfg.stateBound();
        for (int i = 2; i < qpos.length + qvel.length; i++) {
            double s = i < qpos.length ? qpos[i] : qvel[i - qpos.length];
            String r = outside("state[" + i + "]", s, -b, b);
            if (r != null) return r;
        }
        String z = outside("height", qpos[1], cfg.minZ(), Double.POSITIVE_INFINITY);
        return z != null ? z : outside("angle", qpos[2], -cfg.maxAngle(), cfg.maxAngle());
    }
}

package forler.env;

/**
 * Gymnasium's hand-written BipedalWalker gait ({@code bipedal_walker.py}, {@code demo_heuristic}): a three-state
 * machine per step (stand on one leg and swing the other forward; put it down; push off with the supporting leg,
 * then swap legs), each joint driven by a PD rule towards its target, plus a hull-angle PD on the hips and a
 * vertical-speed damper on the knees. It reads nothing but the observation, so it runs on {@link BipedalWalkerEnv}
 * as it runs on Gymnasium's.
 *
 * <p>It is stateful: call {@link #reset} at the start of every episode. Used to check the port against the returns
 * it is published to score on Gymnasium (GymnasiumHeuristicsTest) and as the expert that {@code forler distill}
 * turns into bipedalwalker's behaviour policies ({@link forler.rl.Dagger}).
 */
public final class BipedalWalkerHeuristic {
    private static final int STAY_ON_ONE_LEG = 1, PUT_OTHER_DOWN = 2, PUSH_OFF = 3;
    private static final double SPEED = 0.29;               // "will fall forward on higher speed"
    private static final double SUPPORT_KNEE_ANGLE = 0.1;

    private int state;
    private int movingLeg;
    private int supportingLeg;
    private double supportingKneeAngle;

    public BipedalWalkerHeuristic() {
        reset();
    }

    /** Back to the first state: stand on leg 1, swing leg 0. */
    public void reset() {
        state = STAY_ON_ONE_LEG;
        movingLeg = 0;
        supportingLeg = 1;
        supportingKneeAngle = SUPPORT_KNEE_ANGLE;
    }

    /** The next action from observation {@code s} (24 floats), advancing the state machine; in [−1, 1]⁴. */
    public float[] act(float[] s) {
        if (s.length != 24) throw new IllegalArgumentException("BipedalWalkerHeuristic: observation must have 24 values, got " + s.length);
        int movingBase = 4 + 5 * movingLeg, supportingBase = 4 + 5 * supportingLeg;
        double[] hipTarget = {Double.NaN, Double.NaN};   // -0.8 .. +1.1; NaN = no target
        double[] kneeTarget = {Double.NaN, Double.NaN};  // -0.6 .. +0.9
        if (state == STAY_ON_ONE_LEG) {
            hipTarget[movingLeg] = 1.1;
            kneeTarget[movingLeg] = -0.6;
            supportingKneeAngle += 0.03;
            if (s[2] > SPEED) supportingKneeAngle += 0.03;
            supportingKneeAngle = Math.min(supportingKneeAngle, SUPPORT_KNEE_ANGLE);
            kneeTarget[supportingLeg] = supportingKneeAngle;
            if (s[supportingBase] < 0.10) state = PUT_OTHER_DOWN;  // supporting leg is behind
        }
        if (state == PUT_OTHER_DOWN) {
            hipTarget[movingLeg] = 0.1;
            kneeTarget[movingLeg] = SUPPORT_KNEE_ANGLE;
            kneeTarget[supportingLeg] = supportingKneeAngle;
            if (s[movingBase + 4] != 0) {
                state = PUSH_OFF;
                supportingKneeAngle = Math.min(s[movingBase + 2], SUPPORT_KNEE_ANGLE);
            }
        }
        if (state == PUSH_OFF) {
            kneeTarget[movingLeg] = supportingKneeAngle;
            kneeTarget[supportingLeg] = 1.0;
            if (s[supportingBase + 2] > 0.88 || s[2] > 1.2 * SPEED) {
                state = STAY_ON_ONE_LEG;
                movingLeg = 1 - movingLeg;
                supportingLeg = 1 - movingLeg;
            }
        }
        double[] hip = new double[2], knee = new double[2];
        for (int leg = 0; leg < 2; leg++) {
            int b = 4 + 5 * leg;
            // Python tests the target's truth value: no target and a target of exactly 0 both mean "no term"
            if (truthy(hipTarget[leg])) hip[leg] = 0.9 * (hipTarget[leg] - s[b]) - 0.25 * s[b + 1];
            if (truthy(kneeTarget[leg])) knee[leg] = 4.0 * (kneeTarget[leg] - s[b + 2]) - 0.25 * s[b + 3];
            hip[leg] -= 0.9 * (0 - s[0]) - 1.5 * s[1];  // PID to keep the head straight
            knee[leg] -= 15.0 * s[3];                    // vertical speed, to damp oscillations
        }
        double[] a = {hip[0], knee[0], hip[1], knee[1]};
        float[] out = new float[4];
        for (int i = 0; i < 4; i++) out[i] = (float) Math.max(-1.0, Math.min(1.0, 0.5 * a[i]));
        return out;
    }

    private static boolean truthy(double v) {
        return !Double.isNaN(v) && v != 0.0;
    }
}

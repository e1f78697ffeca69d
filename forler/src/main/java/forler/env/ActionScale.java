package forler.env;

/**
 * Maps between a task's action box [low, high] and the unit box [−1, 1] the networks work in
 * (tanh outputs, CQL's uniform samples, the rectification search). Identity for the MuJoCo tasks.
 *
 * <p>It lives in {@code env} because it is a fact about a task's action box, used by the learners ({@code rl}) and
 * by the shipped behaviour policies ({@code data}) alike.
 */
public final class ActionScale {
    private final float[] center, half;

    public ActionScale(float[] low, float[] high) {
        if (low.length != high.length) throw new IllegalArgumentException("action bounds differ in length: " + low.length + " vs " + high.length);
        center = new float[low.length];
        half = new float[low.length];
        for (int i = 0; i < low.length; i++) {
            if (!(high[i] > low[i])) throw new IllegalArgumentException("action bound " + i + ": high " + high[i] + " <= low " + low[i]);
            center[i] = (high[i] + low[i]) / 2;
            half[i] = (high[i] - low[i]) / 2;
        }
    }

    public int dim() { return center.length; }

    /** Unit-box action(s), flattened [*, A], to the task's box. */
    public float[] toEnv(float[] unit) {
        float[] out = new float[unit.length];
        for (int i = 0; i < unit.length; i++) out[i] = center[i % center.length] + half[i % center.length] * unit[i];
        return out;
    }

    /** Task-box action(s), flattened [*, A], to the unit box (clipped to it). */
    public float[] toUnit(float[] env) {
        float[] out = new float[env.length];
        for (int i = 0; i < env.length; i++) {
            float u = (env[i] - center[i % center.length]) / half[i % center.length];
            out[i] = Math.max(-1f, Math.min(1f, u));
        }
        return out;
    }
}

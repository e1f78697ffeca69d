package forler.kernels;

/**
 * The action search of docs/design.md §Rectification (Eq. 5): I iterations of N Gaussian candidates per state.
 *
 * @param samples    N candidates per state and iteration (default 20, OMAR's)
 * @param iterations I (default 3, OMAR's)
 * @param beta       softmax temperature β of the weights w = softmax(β·Q) (default 1, docs/design.md §Rectification)
 * @param initialStd y₀, the first iteration's standard deviation (default 2.0, docs/design.md §Rectification)
 * @param low        [A] lower action bounds (candidates are clipped to the box)
 * @param high       [A] upper action bounds
 */
public record SearchConfig(int samples, int iterations, float beta, float initialStd, float[] low, float[] high) {
    public SearchConfig {
        if (samples < 1 || iterations < 1) {
            throw new IllegalArgumentException("search needs samples >= 1 and iterations >= 1, got " + samples + ", " + iterations);
        }
        if (low.length != high.length) {
            throw new IllegalArgumentException("action bounds differ in length: low " + low.length + ", high " + high.length);
        }
    }

    /** The defaults of docs/design.md §Rectification: N = 20, I = 3, β = 1, y₀ = 2 over the box [low, high]. */
    public static SearchConfig defaults(float[] low, float[] high) { return new SearchConfig(20, 3, 1f, 2f, low, high); }

    /** A, the action dimension. */
    public int actionDim() { return low.length; }
}

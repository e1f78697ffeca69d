package forler.kernels;

import java.util.Arrays;

/**
 * Java twin of {@link CudaSearch}: the whole search of docs/design.md §Rectification on the CPU, built from the two kernel
 * twins in the order the GPU runs them. Iteration i's candidates carry sample indices i·N .. i·N+N−1.
 */
public final class CemSearchTwin {
    private final CriticWeights critic;
    private long qEvaluations;

    public CemSearchTwin(CriticWeights critic) { this.critic = critic; }

    /** Q-evaluations (rows through the critic, all heads counted once) since construction. */
    public long qEvaluations() { return qEvaluations; }

    /**
     * @param states [B, S]
     * @param x0     [B, A] the first iteration's mean, or null for zeros
     */
    public SearchResult search(float[] states, int b, float[] x0, SearchConfig cfg, long seed) {
        int n = cfg.samples(), a = critic.actionDim();
        CudaSearch.checkShapes(critic.stateDim(), critic.actionDim(), states, b, x0, cfg);
        float[] mean = x0 == null ? new float[b * a] : x0.clone(); // [B, A]
        float[] std = new float[b];                                 // [B]
        Arrays.fill(std, cfg.initialStd());
        float[] actions = new float[b * n * a];                      // [B, N, A]
        float[] q = new float[b * n];                                // [B, N]
        float[] bestQ = new float[b];                                // [B]
        float[] bestA = new float[b * a];                            // [B, A]
        Arrays.fill(bestQ, Float.NEGATIVE_INFINITY);
        CemUpdateTwin.sample(actions, mean, std, cfg.low(), cfg.high(), b, n, a, seed, 0);
        for (int it = 0; it < cfg.iterations(); it++) {
            CriticSearchTwin.forwardMin(critic, states, actions, b * n, n, q);
            CemUpdateTwin.update(actions, q, mean, std, bestQ, bestA, cfg.low(), cfg.high(), b, n, a, cfg.beta(), seed,
                    (it + 1) * n, it + 1 < cfg.iterations());
        }
        qEvaluations += (long) b * n * cfg.iterations();
        return new SearchResult(bestA, bestQ);
    }
}

package forler.kernels;

import java.util.Arrays;

/**
 * The action search of docs/design.md §Rectification on the GPU, with the critic's weights resident on the device: per call it
 * uploads the states (and x₀), then for I iterations evaluates the B·N candidates through all heads with the
 * min fused ({@code critic_min}) and updates each state's Gaussian, tracks its best candidate and samples the next
 * candidates ({@code cem_update}); only the best actions and their Q come back. Twin: {@link CemSearchTwin}.
 *
 * <p>Buffers are kept and grown as needed, so repeated calls with the same shapes allocate nothing on the device.
 * Not thread-safe: one instance per thread.
 */
public final class CudaSearch implements AutoCloseable {
    private final Cuda cuda;
    private final CriticSearchKernel critic;
    private final CemUpdateKernel cem;
    private final CriticSearchKernel.Weights weights;
    private final GpuBuffer states = new GpuBuffer(), actions = new GpuBuffer(), q = new GpuBuffer(), mean = new GpuBuffer(),
            std = new GpuBuffer(), bestQ = new GpuBuffer(), bestA = new GpuBuffer(), low = new GpuBuffer(), high = new GpuBuffer();
    private boolean simpleCritic;
    private long qEvaluations;

    /** Uploads {@code w}; throws {@link IllegalStateException} when there is no usable GPU. */
    public CudaSearch(CriticWeights w) {
        cuda = Cuda.get();
        critic = new CriticSearchKernel(cuda);
        cem = new CemUpdateKernel(cuda);
        weights = new CriticSearchKernel.Weights(w);
    }

    /** Replaces the critic's weights on the device (after a training step). */
    public void setWeights(CriticWeights w) {
        cuda.makeCurrent();
        weights.upload(w);
    }

    /** Uses the simple one-block-per-row critic kernel (the benchmark's baseline) instead of the tuned one. */
    public CudaSearch simpleCritic(boolean simple) {
        simpleCritic = simple;
        return this;
    }

    /** Q-evaluations (candidate rows through the critic) since construction: B·N·I per search, B·N per evaluate. */
    public long qEvaluations() { return qEvaluations; }

    /**
     * @param states [B, S]
     * @param x0     [B, A] the first iteration's mean, or null for zeros
     * @param seed   the ε stream; use a different seed per call
     */
    public SearchResult search(float[] states, int b, float[] x0, SearchConfig cfg, long seed) {
        CriticWeights c = weights.shape();
        checkShapes(c, states, b, x0, cfg);
        int n = cfg.samples(), a = c.actionDim();
        cuda.makeCurrent();
        this.states.upload(states, 0, b * c.stateDim());
        actions.ensure((long) b * n * a);
        q.ensure((long) b * n);
        if (x0 == null) {
            mean.ensure((long) b * a);
            mean.fill((long) b * a, 0f);
        } else {
            mean.upload(x0, 0, b * a);
        }
        std.ensure(b);
        std.fill(b, cfg.initialStd());
        bestQ.ensure(b);
        bestQ.fill(b, Float.NEGATIVE_INFINITY);
        bestA.ensure((long) b * a);
        bestA.fill((long) b * a, 0f);
        low.upload(cfg.low(), 0, a);
        high.upload(cfg.high(), 0, a);

        cem.sample(actions, mean, std, low, high, b, n, a, seed, 0);
        for (int it = 0; it < cfg.iterations(); it++) {
            critic.forwardMin(q, this.states, actions, b * n, n, weights, simpleCritic);
            cem.update(actions, q, mean, std, bestQ, bestA, low, high, b, n, a, cfg.beta(), seed, (it + 1) * n,
                    it + 1 < cfg.iterations());
        }
        qEvaluations += (long) b * n * cfg.iterations();
        return new SearchResult(bestA.download(b * a), bestQ.download(b));
    }

    /** min over heads of Q(states[r / n], actions[r]) for rows = B·n given (state, action) rows: [rows]. */
    public float[] evaluate(float[] states, float[] actions, int b, int n) {
        CriticWeights c = weights.shape();
        if (states.length != b * c.stateDim() || actions.length != b * n * c.actionDim()) {
            throw new IllegalArgumentException("evaluate: expected states [" + b + ", " + c.stateDim() + "] and actions ["
                    + b * n + ", " + c.actionDim() + "], got " + states.length + " and " + actions.length + " floats");
        }
        cuda.makeCurrent();
        this.states.upload(states, 0, states.length);
        this.actions.upload(actions, 0, actions.length);
        q.ensure((long) b * n);
        critic.forwardMin(q, this.states, this.actions, b * n, n, weights, simpleCritic);
        qEvaluations += (long) b * n;
        return q.download(b * n);
    }

    @Override public void close() {
        weights.close();
        for (GpuBuffer g : Arrays.asList(states, actions, q, mean, std, bestQ, bestA, low, high)) g.close();
    }

    /** Shared with the twin: the shapes a search needs, or an error naming the one that is wrong. */
    static void checkShapes(CriticWeights c, float[] states, int b, float[] x0, SearchConfig cfg) {
        if (cfg.actionDim() != c.actionDim()) {
            throw new IllegalArgumentException("search bounds have " + cfg.actionDim() + " dims but the critic's action has "
                    + c.actionDim());
        }
        if (states.length != b * c.stateDim()) {
            throw new IllegalArgumentException("search states must be [" + b + ", " + c.stateDim() + "], got "
                    + states.length + " floats");
        }
        if (x0 != null && x0.length != b * c.actionDim()) {
            throw new IllegalArgumentException("search x0 must be [" + b + ", " + c.actionDim() + "], got " + x0.length + " floats");
        }
    }
}

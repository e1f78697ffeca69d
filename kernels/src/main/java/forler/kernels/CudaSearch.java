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
    private CriticMin critic;
    private final CemUpdateKernel cem;
    private final CriticSearchKernel.Weights weights;
    private final GpuBuffer states = new GpuBuffer(), actions = new GpuBuffer(), q = new GpuBuffer(), mean = new GpuBuffer(),
            std = new GpuBuffer(), bestQ = new GpuBuffer(), bestA = new GpuBuffer(), low = new GpuBuffer(), high = new GpuBuffer();
    private long qEvaluations;

    /** Uploads {@code w}; throws {@link IllegalStateException} when there is no usable GPU. */
    public CudaSearch(CriticWeights w) { this(PackedCritic.of(w)); }

    /** Uploads {@code w} (one copy); throws {@link IllegalStateException} when there is no usable GPU. */
    public CudaSearch(PackedCritic w) {
        cuda = Cuda.get();
        critic = new CriticSearchKernel(cuda);
        cem = new CemUpdateKernel(cuda);
        weights = new CriticSearchKernel.Weights(w);
    }

    /** Replaces the critic's weights on the device (after a training step). */
    public void setWeights(CriticWeights w) { setWeights(PackedCritic.of(w)); }

    /** Replaces the critic's weights on the device with one host-to-device copy (after a training step). */
    public void setWeights(PackedCritic w) {
        cuda.makeCurrent();
        weights.upload(w);
    }

    /** Host-to-device copies of weights since construction (one per {@code setWeights}, one at construction). */
    public long weightUploads() { return weights.uploads(); }

    /** The min-over-heads critic evaluation of rows r = 0..rows−1 (state r / n, action r) into out [rows]. */
    public interface CriticMin {
        void forwardMin(GpuBuffer out, GpuBuffer states, GpuBuffer actions, int rows, int n, CriticSearchKernel.Weights w);
    }

    /**
     * Evaluates the candidates with {@code k} instead of the tuned {@code critic_min} ({@link CriticSearchKernel}):
     * for comparing a first version in the same search ({@code dev.SimpleCriticKernel}).
     */
    public CudaSearch criticKernel(CriticMin k) {
        critic = k;
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
        PackedCritic c = weights.shape();
        float[] best = new float[b * c.actionDim()], bestQ = new float[b];
        search(states, b, x0, cfg, seed, best, bestQ);
        return new SearchResult(best, bestQ);
    }

    /**
     * As {@link #search(float[], int, float[], SearchConfig, long)}, writing into the caller's arrays (no allocation
     * once the device buffers have grown).
     *
     * @param bestActions [B, A] receives the best candidate per state
     * @param bestQOut    [B] receives its Q
     */
    public void search(float[] states, int b, float[] x0, SearchConfig cfg, long seed, float[] bestActions, float[] bestQOut) {
        PackedCritic c = weights.shape();
        checkShapes(c.stateDim(), c.actionDim(), states, b, x0, cfg);
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
            critic.forwardMin(q, this.states, actions, b * n, n, weights);
            cem.update(actions, q, mean, std, bestQ, bestA, low, high, b, n, a, cfg.beta(), seed, (it + 1) * n,
                    it + 1 < cfg.iterations());
        }
        qEvaluations += (long) b * n * cfg.iterations();
        bestA.download(bestActions, 0, b * a);
        bestQ.download(bestQOut, 0, b);
    }

    /** min over heads of Q(states[r / n], actions[r]) for rows = B·n given (state, action) rows: [rows]. */
    public float[] evaluate(float[] states, float[] actions, int b, int n) {
        float[] out = new float[b * n];
        evaluate(states, actions, b, n, out);
        return out;
    }

    /**
     * As {@link #evaluate(float[], float[], int, int)} into {@code out} [B·n]; reads only the first B·S floats of
     * {@code states} and B·n·A of {@code actions} (the arrays may be larger workspaces).
     */
    public void evaluate(float[] states, float[] actions, int b, int n, float[] out) {
        PackedCritic c = weights.shape();
        if (states.length < b * c.stateDim() || actions.length < b * n * c.actionDim() || out.length < b * n) {
            throw new IllegalArgumentException("evaluate: expected states [" + b + ", " + c.stateDim() + "], actions ["
                    + b * n + ", " + c.actionDim() + "] and out [" + b * n + "], got " + states.length + ", " + actions.length
                    + " and " + out.length + " floats");
        }
        cuda.makeCurrent();
        this.states.upload(states, 0, b * c.stateDim());
        this.actions.upload(actions, 0, b * n * c.actionDim());
        q.ensure((long) b * n);
        critic.forwardMin(q, this.states, this.actions, b * n, n, weights);
        qEvaluations += (long) b * n;
        q.download(out, 0, b * n);
    }

    @Override public void close() {
        weights.close();
        for (GpuBuffer g : Arrays.asList(states, actions, q, mean, std, bestQ, bestA, low, high)) g.close();
    }

    /** Shared with the twin: the shapes a search needs, or an error naming the one that is wrong. */
    static void checkShapes(int stateDim, int actionDim, float[] states, int b, float[] x0, SearchConfig cfg) {
        if (cfg.actionDim() != actionDim) {
            throw new IllegalArgumentException("search bounds have " + cfg.actionDim() + " dims but the critic's action has "
                    + actionDim);
        }
        if (states.length != b * stateDim) {
            throw new IllegalArgumentException("search states must be [" + b + ", " + stateDim + "], got "
                    + states.length + " floats");
        }
        if (x0 != null && x0.length != b * actionDim) {
            throw new IllegalArgumentException("search x0 must be [" + b + ", " + actionDim + "], got " + x0.length + " floats");
        }
    }
}

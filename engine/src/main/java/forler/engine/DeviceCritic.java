package forler.engine;

import forler.engine.nn.EnsembleLinear;

/**
 * An ensemble critic's min over heads, and the action search of docs/design.md §Rectification over it, run where a backend keeps
 * the critic's weights (the {@code cuda} backend: on the GPU, one fused kernel per evaluation). A backend that has
 * one returns it from {@link Backend#deviceCritic}; algorithms call {@link #refresh} when the critic's weights
 * change and never learn which backend runs. Not thread-safe: one instance per training loop.
 *
 * <p>The search: I iterations of N candidates per state, clip(x + y·ε) to the unit box [−1, 1]^A with ε from the
 * backend's own counter-based stream keyed by {@code seed}; Q = min over heads; w = softmax(β·Q), x ← Σ w·a,
 * y ← max(√(Σ w·‖a − x‖²), 1e-3); the result is the best of all I·N candidates (lowest index on ties).
 */
public interface DeviceCritic extends AutoCloseable {
    /** The floor of the search's std, fixed in the device kernels. */
    float MIN_STD = 1e-3f;

    /**
     * Copies the layers' current values ([E, S+A, H], [E, H, H]…, [E, H, 1], biases [E, 1, out]) to where this
     * critic evaluates them: one copy of all layers packed, not one per layer.
     */
    void refresh(EnsembleLinear[] layers);

    /** out[r] = min_e Q_e(states[r / repeat], actions[r]) for r < rows; states [rows / repeat, S], actions [rows, A]. */
    void minQ(float[] states, int repeat, float[] actions, int rows, float[] out);

    /**
     * The search for B states.
     *
     * @param states      [B, S]
     * @param x0          [B, A] the first mean, or null for zeros
     * @param bestActions [B, A] receives the best candidate of each state
     * @param bestQ       [B] receives its Q
     */
    void search(float[] states, int b, float[] x0, int samples, int iterations, float beta, float initStd, long seed,
                float[] bestActions, float[] bestQ);

    /** (state, action) rows evaluated so far, searches included. */
    long evaluations();

    /** Where it runs, e.g. the GPU's name. */
    String device();

    @Override void close();
}

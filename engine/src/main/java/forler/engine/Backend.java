package forler.engine;

/**
 * The products that training needs, on row-major packed float32 arrays. A backend supplies them; tensors,
 * layers and algorithms never name the backend they run on (see {@link Backends#get()}).
 *
 * <p>All three write {@code C[m,n]} at {@code c[cOff..]}; with {@code accumulate} they add into it,
 * otherwise they overwrite it. Output argument last-but-one, as EJML does.
 */
public interface Backend {
    /** Short name used by {@code -Dforler.backend=}: {@code cpu}, {@code ejml}, {@code naive}, {@code cuda}. */
    String name();

    /** C[m,n] (+)= A[m,k] · B[k,n]. */
    void mult(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /** C[m,n] (+)= Aᵀ · B, with A stored as [k,m] and B as [k,n]. */
    void multTransA(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /** C[m,n] (+)= A · Bᵀ, with A stored as [m,k] and B as [n,k]. */
    void multTransB(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /**
     * A Linear layer forward: C[m,n] = A[m,k]·B[k,n] + bias[biasOff..+n] on every row (then ReLU when {@code relu}).
     * The reference is the product followed by {@link #addBiasRows}; a backend may apply the bias as each part of C
     * is computed, with the same bits.
     */
    default void multBias(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          float[] bias, int biasOff, boolean relu) {
        mult(m, n, k, a, aOff, b, bOff, c, cOff, false);
        addBiasRows(m, n, c, cOff, bias, biasOff, relu);
    }

    /**
     * The gradient of a ReLU's output, masked as ReLU's backward masks it: C[m,n] = 0 + (A·Bᵀ)(i,j) where
     * mask[maskOff + i·n + j] &gt; 0, else 0 (A stored as [m,k], B as [n,k]). The reference is {@link #multTransB}
     * followed by {@link #maskWherePositive}'s rule; a backend may mask as each part of C is computed, with the same
     * bits.
     */
    default void multTransBMasked(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                  float[] mask, int maskOff) {
        multTransB(m, n, k, a, aOff, b, bOff, c, cOff, false);
        for (int i = 0, mn = m * n; i < mn; i++) c[cOff + i] = mask[maskOff + i] > 0f ? 0f + c[cOff + i] : 0f;
    }

    /**
     * ReLU's backward: gx[i] += g[i] wherever x[i] > 0, for i < n (elsewhere gx is left as it is, bit for bit).
     * A backend may vectorise it; the scalar loop here is the reference.
     */
    default void addWherePositive(int n, float[] x, float[] g, float[] gx) {
        for (int i = 0; i < n; i++) if (x[i] > 0f) gx[i] += g[i];
    }

    /**
     * ReLU's backward into a buffer that holds anything: gx[i] = 0 + g[i] where x[i] > 0, else 0, for i < n; the same
     * bits as {@link #addWherePositive} into zeros (0 + g turns a −0 into +0), without zeroing gx first.
     */
    default void maskWherePositive(int n, float[] x, float[] g, float[] gx) {
        for (int i = 0; i < n; i++) gx[i] = x[i] > 0f ? 0f + g[i] : 0f;
    }

    /**
     * A Linear layer's bias on every row, then ReLU when {@code relu}: y[yOff + r·cols + c] = y + bias[bOff + c]
     * (then max(y, 0), as {@link Math#max}) for r &lt; rows, c &lt; cols. The scalar loop here is the reference; a
     * backend may vectorise it (the same float additions, so the same bits).
     */
    default void addBiasRows(int rows, int cols, float[] y, int yOff, float[] bias, int bOff, boolean relu) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0, o = yOff + r * cols; c < cols; c++) {
                float v = y[o + c] + bias[bOff + c];
                y[o + c] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /**
     * Keeps every product and loop started on the calling thread on that thread ({@code true}) or lets them split
     * again ({@code false}): for a caller that already runs one task per core (federated devices training in
     * parallel), where handing small products to other threads would only make the tasks wait for each other.
     * Changes no value. The default does nothing (a backend that never splits).
     */
    default void keepOnCallingThread(boolean keep) {}

    /** The most threads this backend's work uses at once (1 unless it splits work over threads). */
    default int threads() { return 1; }

    /**
     * A bias's gradient: out[outOff + c] += Σ_r g[gOff + r·cols + c] for c < cols, adding rows r = 0, 1, ... in order
     * (each column's sum is this sequence of float additions on every backend). The scalar loop here is the reference.
     */
    default void addColumnSums(int rows, int cols, float[] g, int gOff, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0, o = gOff + r * cols; c < cols; c++) out[outOff + c] += g[o + c];
        }
    }

    /**
     * Runs {@code body} over the index range [0, n), possibly cut into ranges that run on several threads at once;
     * returns when all are done. {@code cost} is the rough work per index (1 for an elementwise op, the row length
     * for a loop over rows), so that small loops stay on the calling thread. Each range must write only its own
     * indices' outputs. The default runs the whole range here.
     */
    default void parallelFor(int n, int cost, Range body) { body.run(0, n); }

    /**
     * The fused critic and search of this backend for an ensemble critic with these layers (filled with their
     * current values), or empty when the backend has none and the caller's CPU path applies (the default).
     */
    default java.util.Optional<DeviceCritic> deviceCritic(int stateDim, forler.engine.nn.EnsembleLinear[] layers) {
        return java.util.Optional.empty();
    }

    /** A loop body over indices [from, to). */
    @FunctionalInterface
    interface Range { void run(int from, int to); }
}

package forler.kernels.dev;

/** Java twin of {@code dev/elementwise.cu}: the same formulas in the same order (see the kernel file for each). */
public final class ElementwiseTwin {
    /** Rows one {@code sum_rows} thread column adds before the partials are combined (blockDim.y). */
    static final int SUM_ROWS_PARTIALS = 8;

    private ElementwiseTwin() {}

    /** y[rows, n] = relu?(y + bias[n]), in place. */
    public static void biasRelu(float[] y, float[] bias, int rows, int n, boolean relu) {
        for (int i = 0; i < rows * n; i++) {
            float v = y[i] + bias[i % n];
            y[i] = (relu && v < 0f) ? 0f : v;
        }
    }

    /** dx = y > 0 ? dy : 0. */
    public static void reluBackward(float[] dx, float[] dy, float[] y, int n) {
        for (int i = 0; i < n; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    /** y = tanh(x). */
    public static void tanhForward(float[] y, float[] x, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]);
    }

    /** dx = dy·(1 − y²). */
    public static void tanhBackward(float[] dx, float[] dy, float[] y, int n) {
        for (int i = 0; i < n; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }

    /** torch.optim.Adam step; {@code bc1} = 1 − β1^t, {@code sqrtBc2} = √(1 − β2^t). */
    public static void adam(float[] p, float[] g, float[] m, float[] v, int n, float lr, float b1, float b2, float eps,
                            float bc1, float sqrtBc2) {
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + (1f - b1) * gi;
            float vi = b2 * v[i] + (1f - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtBc2 + eps;
            p[i] = p[i] - (lr / bc1) * (mi / denom);
        }
    }

    /** target = (1 − τ)·target + τ·source. */
    public static void polyak(float[] target, float[] source, int n, float tau) {
        for (int i = 0; i < n; i++) target[i] = (1f - tau) * target[i] + tau * source[i];
    }

    /** err = (pred − target)², grad = scale·2·(pred − target). */
    public static void squareError(float[] err, float[] grad, float[] pred, float[] target, int n, float scale) {
        for (int i = 0; i < n; i++) {
            float d = pred[i] - target[i];
            err[i] = d * d;
            grad[i] = scale * 2f * d;
        }
    }

    /** out[n] = Σ_r x[r, :], as 8 strided partial sums per column added in order. */
    public static void sumRows(float[] out, float[] x, int rows, int n) {
        for (int c = 0; c < n; c++) {
            float t = 0f;
            for (int k = 0; k < SUM_ROWS_PARTIALS; k++) {
                float s = 0f;
                for (int r = k; r < rows; r += SUM_ROWS_PARTIALS) s += x[r * n + c];
                t += s;
            }
            out[c] = t;
        }
    }
}

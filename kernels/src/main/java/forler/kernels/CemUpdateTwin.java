package forler.kernels;

/**
 * Java twin of {@code cem_update.cu}: the per-state search update of Eq. 5 and Algorithm 1 line 6 (online softmax of β·Q, weighted mean, isotropic
 * std floored at 1e-3, best-candidate tracking) and the candidate sampling with the counter-based ε.
 *
 * <p>ε(seed, state, sample, dim) is bit-identical to the kernel's: Philox4x32-10 and Box–Muller with the same
 * polynomial log and cos, built from correctly rounded float operations and {@link Math#fma} only. The update's
 * exp and its reduction order (a tree over 128 threads on the GPU, serial here) differ in the last bits.
 */
public final class CemUpdateTwin {
    /** Floor of the std, so the search never collapses to a point (docs/design.md §Rectification). */
    public static final float MIN_STD = 1e-3f;

    private CemUpdateTwin() {}

    /**
     * One update for each of the B states (see {@code cem_update.cu} for the steps).
     *
     * @param actions [B, N, A] this iteration's candidates; overwritten by the next ones when {@code sampleNext}
     * @param q       [B, N] their values
     * @param mean    [B, A] out: weighted mean x
     * @param std     [B] out: isotropic std y
     * @param bestQ   [B] in/out: best value so far (start at −∞)
     * @param bestA   [B, A] in/out: its action
     * @param sample0 sample index of the next iteration's first candidate (its ε counter)
     */
    public static void update(float[] actions, float[] q, float[] mean, float[] std, float[] bestQ, float[] bestA,
                              float[] low, float[] high, int b, int n, int a, float beta, long seed, int sample0,
                              boolean sampleNext) {
        float[] w = new float[n]; // [N]
        for (int st = 0; st < b; st++) {
            int qo = st * n, ao = st * n * a;
            float m = Float.NEGATIVE_INFINITY, s = 0f, bq = Float.NEGATIVE_INFINITY;
            int best = -1;
            for (int i = 0; i < n; i++) { // online softmax: running max and rescaled running sum
                float qi = q[qo + i], z = beta * qi;
                if (z > m) { s = s * (float) Math.exp(m - z) + 1f; m = z; }
                else s += (float) Math.exp(z - m);
                if (qi > bq) { bq = qi; best = i; }
            }
            for (int i = 0; i < n; i++) w[i] = (float) Math.exp(beta * q[qo + i] - m) / s;
            for (int d = 0; d < a; d++) {
                float x = 0f;
                for (int i = 0; i < n; i++) x = Math.fma(w[i], actions[ao + i * a + d], x);
                mean[st * a + d] = x;
            }
            float v = 0f;
            for (int i = 0; i < n; i++) {
                float sq = 0f;
                for (int d = 0; d < a; d++) {
                    float diff = actions[ao + i * a + d] - mean[st * a + d];
                    sq = Math.fma(diff, diff, sq);
                }
                v = Math.fma(w[i], sq, v);
            }
            std[st] = Math.max((float) Math.sqrt(v), MIN_STD);
            if (bq > bestQ[st]) {
                bestQ[st] = bq;
                System.arraycopy(actions, ao + best * a, bestA, st * a, a);
            }
        }
        if (sampleNext) sample(actions, mean, std, low, high, b, n, a, seed, sample0);
    }

    /** actions[b, i, d] = clip(mean[b, d] + std[b]·ε(seed, b, sample0 + i, d), low[d], high[d]). */
    public static void sample(float[] actions, float[] mean, float[] std, float[] low, float[] high,
                              int b, int n, int a, long seed, int sample0) {
        for (int st = 0; st < b; st++)
            for (int i = 0; i < n; i++)
                for (int d = 0; d < a; d++) {
                    float v = Math.fma(std[st], gaussian(seed, st, sample0 + i, d), mean[st * a + d]);
                    actions[(st * n + i) * a + d] = Math.min(Math.max(v, low[d]), high[d]);
                }
    }

    /** The standard normal ε for (seed, state, sample, dim), as {@code cem_gaussian} computes it. */
    public static float gaussian(long seed, int state, int sample, int dim) {
        int[] r = philox4x32_10(new int[] {state, sample, dim, 0}, new int[] {(int) seed, (int) (seed >>> 32)});
        float u1 = (float) ((r[0] >>> 8) + 1) * 5.9604645e-08f; // (0, 1]
        float u2 = (float) (r[1] >>> 8) * 5.9604645e-08f;       // [0, 1)
        return (float) Math.sqrt(-2f * logPoly(u1)) * cos2piPoly(u2);
    }

    /** Philox4x32 with 10 rounds (Salmon et al., SC'11; Random123's philox4x32_R(10, ctr, key)). */
    public static int[] philox4x32_10(int[] ctr, int[] key) {
        int c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
        for (int i = 0; i < 10; i++) {
            if (i > 0) { k0 += 0x9E3779B9; k1 += 0xBB67AE85; }
            long p0 = 0xD2511F53L * (c0 & 0xFFFFFFFFL), p1 = 0xCD9E8D57L * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0, n1 = (int) p1, n2 = (int) (p0 >>> 32) ^ c3 ^ k1, n3 = (int) p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** ln(u) for u in (0, 1]: u = m·2^e, m in [√½, √2), ln m = 2·atanh((m−1)/(m+1)) to the t⁹ term. */
    static float logPoly(float u) {
        int bits = Float.floatToRawIntBits(u);
        int e = ((bits >> 23) & 0xff) - 127;
        float m = Float.intBitsToFloat((bits & 0x7fffff) | 0x3f800000);
        if (m > 1.41421356f) { m = m * 0.5f; e += 1; }
        float t = (m - 1f) / (m + 1f);
        float t2 = t * t;
        float s = Math.fma(t2, 0.11111111f, 0.14285715f);
        s = Math.fma(s, t2, 0.2f);
        s = Math.fma(s, t2, 0.33333334f);
        s = Math.fma(s, t2, 1f);
        return Math.fma((float) e, 0.6931472f, 2f * t * s);
    }

    /** cos(2π·v) for v in [0, 1): reduced to θ in [0, π/2], then Taylor to θ¹⁴. */
    static float cos2piPoly(float v) {
        float w = v - 0.5f;
        float x = Math.abs(w);
        float sign = -1f;
        if (x > 0.25f) { x = 0.5f - x; sign = 1f; }
        float th = x * 6.2831855f;
        float t2 = th * th;
        float c = Math.fma(t2, -1.1470746e-11f, 2.0876757e-09f);
        c = Math.fma(c, t2, -2.7557319e-07f);
        c = Math.fma(c, t2, 2.4801587e-05f);
        c = Math.fma(c, t2, -0.0013888889f);
        c = Math.fma(c, t2, 0.041666668f);
        c = Math.fma(c, t2, -0.5f);
        c = Math.fma(c, t2, 1f);
        return sign * c;
    }
}

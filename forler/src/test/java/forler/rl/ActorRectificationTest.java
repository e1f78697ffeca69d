package forler.rl;

import static org.junit.jupiter.api.Assertions.*;

import forler.engine.Rng;
import org.junit.jupiter.api.Test;

class ActorRectificationTest {
    /** Q(s, a) = −‖a − peak(s)‖², peak(s) = first state coordinate; counts every row it scores. */
    static final class PeakedQ implements ActorRectification.QFunction {
        final int obsDim, actDim;
        long rows;

        PeakedQ(int obsDim, int actDim) {
            this.obsDim = obsDim;
            this.actDim = actDim;
        }

        @Override
        public void eval(float[] states, int repeat, float[] actions, int n, float[] out) {
            for (int r = 0; r < n; r++) {
                float peak = states[(r / repeat) * obsDim], s = 0;
                for (int j = 0; j < actDim; j++) {
                    float d = actions[r * actDim + j] - peak;
                    s += d * d;
                }
                out[r] = -s;
            }
            rows += n;
        }

        @Override
        public long evaluations() { return rows; }
    }

    private static float[] states(int B, int S, float peak) {
        float[] s = new float[B * S];
        for (int b = 0; b < B; b++) s[b * S] = peak;
        return s;
    }

    @Test
    void searchStepCostsINPlusTwoAndOtherStepsTwoEvaluationsPerState() {
        int B = 7, S = 3, A = 2, N = 11, I = 4, delta = 3;
        ActorRectification r = new ActorRectification(ActorRectification.Config.defaults().withSearch(N, I).withPeriod(delta), A,
                new float[50 * A]);
        PeakedQ q = new PeakedQ(S, A);
        int[] idx = {0, 1, 2, 3, 4, 5, 6};
        float[] out = new float[B * A], pi = new float[B * A];
        Rng rng = new Rng(1);
        long total = 0;
        for (int tau = 0; tau < 9; tau++) {
            long before = q.rows;
            r.rectify(tau, q, states(B, S, 0.3f), pi, idx, rng, out);
            long perState = (q.rows - before) / B;
            assertEquals(0, (q.rows - before) % B);
            assertEquals(tau % delta == 0 ? (long) I * N + 2 : 2, perState, "tau " + tau);
            total += q.rows - before;
        }
        // The E7 model: I·N/δ + 2 per state per step, exactly over whole periods.
        assertEquals((double) I * N / delta + 2, (double) total / (9 * B), 1e-12);
        q.rows = 0;
        r.search(q, states(B, S, 0.3f), pi, B, rng, out);
        assertEquals((long) I * N * B, q.rows, "the search alone is I·N per state");
    }

    @Test
    void cacheStartsAtDatasetActionsAndKeepsThemWhenPolicyIsWorse() {
        int A = 1, S = 1;
        float[] data = {0.5f, -0.25f, 0.9f};
        ActorRectification r = new ActorRectification(ActorRectification.Config.defaults().withPeriod(1000), A, data);
        assertArrayEquals(data, r.cache());
        data[0] = 7f; // the cache is a copy
        assertEquals(0.5f, r.cache()[0]);
        // Non-search step (τ = 1): peak at 0.5, π(s) = −1 is worse than the cached 0.5 for row 0.
        float[] out = new float[1];
        r.rectify(1, new PeakedQ(S, A), new float[] {0.5f}, new float[] {-1f}, new int[] {0}, new Rng(2), out);
        assertEquals(0.5f, out[0]);
        assertEquals(0.5f, r.cache()[0]);
        // π(s) closer to the peak than the cached −0.25 of row 1: it replaces the cache entry.
        r.rectify(1, new PeakedQ(S, A), new float[] {0.5f}, new float[] {0.4f}, new int[] {1}, new Rng(2), out);
        assertEquals(0.4f, out[0]);
        assertEquals(0.4f, r.cache()[1]);
        assertEquals(0.9f, r.cache()[2], "rows outside the batch are untouched");
    }

    @Test
    void argmaxIncludesThePolicyAction() {
        // Peak exactly at π(s) = 0.123: no sampled candidate can beat it, so â = π(s) exactly on a search step.
        int B = 4, A = 1;
        ActorRectification r = new ActorRectification(ActorRectification.Config.defaults(), A, new float[B]);
        float[] pi = {0.123f, 0.123f, 0.123f, 0.123f}, out = new float[B];
        r.rectify(0, new PeakedQ(1, A), states(B, 1, 0.123f), pi, new int[] {0, 1, 2, 3}, new Rng(3), out);
        assertArrayEquals(pi, out);
    }

    @Test
    void searchFindsAPeakFarFromPolicyAndData() {
        int B = 16, A = 2;
        ActorRectification r = new ActorRectification(ActorRectification.Config.defaults(), A, new float[B * A]);
        float[] pi = new float[B * A], out = new float[B * A];
        java.util.Arrays.fill(pi, -0.9f);
        int[] idx = new int[B];
        for (int b = 0; b < B; b++) idx[b] = b;
        r.rectify(0, new PeakedQ(2, A), states(B, 2, 0.6f), pi, idx, new Rng(4), out);
        for (float a : out) assertEquals(0.6f, a, 0.3f);
    }

    @Test
    void eq5MatchesHandComputedWeightedMeanAndStd() {
        // Q = (0, ln 2, ln 3), β = 1 → w = (1, 2, 3)/6; a = (−1, 0, 1):
        // x = (−1 + 3)/6 = 1/3; y² = (1·16/9 + 2·1/9 + 3·4/9)/6 = 30/54.
        float[] q = {0f, (float) Math.log(2), (float) Math.log(3)}, a = {-1f, 0f, 1f}, x = new float[1];
        float y = ActorRectification.eq5(q, 0, a, 0, 3, 1, 1f, 1e-3f, x, 0);
        assertEquals(1.0 / 3, x[0], 1e-6);
        assertEquals(Math.sqrt(30.0 / 54), y, 1e-6);
        // 2-D, β = 2, shifted Q (softmax is shift-invariant), candidates in a different order.
        float[] q2 = {5f, 5f + (float) Math.log(3) / 2}, a2 = {0f, 1f, 1f, 0f}, x2 = new float[2];
        float y2 = ActorRectification.eq5(q2, 0, a2, 0, 2, 2, 2f, 1e-3f, x2, 0); // w = (1/4, 3/4)
        assertEquals(0.75, x2[0], 1e-6);
        assertEquals(0.25, x2[1], 1e-6);
        assertEquals(Math.sqrt(0.25 * (0.5625 + 0.5625) + 0.75 * (0.0625 + 0.0625)), y2, 1e-6);
        // Identical candidates: std floors at 1e-3.
        assertEquals(1e-3f, ActorRectification.eq5(new float[] {1f, 2f}, 0, new float[] {0.2f, 0.2f}, 0, 2, 1, 1f, 1e-3f, x, 0));
    }

    @Test
    void theSpreadTemperatureKeepsWeightOnTheRunnersUp() {
        // Q = (0, 5, 10) at a = (−1, 0, 1): β = 1 is one-hot (w₃ = 0.993); β / std(Q) = 1 / sqrt(50/3) gives
        // w ∝ (1, e^{5β'}, e^{10β'}) = (0.0626, 0.213, 0.725), so x = w₃ − w₁ and y² = w₁ + w₃ − x².
        float[] q = {0f, 5f, 10f}, a = {-1f, 0f, 1f}, x = new float[1];
        ActorRectification fixed = new ActorRectification(ActorRectification.Config.defaults(), 1, new float[1]);
        ActorRectification spread = new ActorRectification(ActorRectification.Config.defaults()
                .withTemperature(ActorRectification.Temperature.SPREAD), 1, new float[1]);
        assertEquals(1f, fixed.beta(q, 0, 3));
        float beta = spread.beta(q, 0, 3);
        assertEquals(1 / Math.sqrt(50.0 / 3), beta, 1e-6);
        double z = 1 + Math.exp(5 * beta) + Math.exp(10 * beta), w1 = 1 / z, w3 = Math.exp(10 * beta) / z;
        float y = ActorRectification.eq5(q, 0, a, 0, 3, 1, beta, 1e-3f, x, 0);
        assertEquals(w3 - w1, x[0], 1e-5);
        assertEquals(Math.sqrt(w1 + w3 - (w3 - w1) * (w3 - w1)), y, 1e-5);
        assertTrue(w3 < 0.8 && y > 0.3, "the spread temperature must not be one-hot: w3 = " + w3 + ", y = " + y);
        float yFixed = ActorRectification.eq5(q, 0, a, 0, 3, 1, 1f, 1e-3f, x, 0);
        assertTrue(x[0] > 0.99 && yFixed < 0.1, "β = 1 on a gap of 5 is nearly one-hot: x = " + x[0] + ", y = " + yFixed);
    }

    @Test
    void aSearchStartedAtThePolicyWithASmallStdStaysNearIt() {
        // The peak at 0.6 is far from π(s) = −0.5: from x₀ = 0, y₀ = 2 the search reaches it; from x₀ = π(s), y₀ = 0.01
        // no candidate leaves [−0.56, −0.44] (6 stds) in the first iteration, nor in later ones (y only shrinks or stays
        // near 0.01 when Q rises towards the peak), so â stays within 0.2 of π(s).
        int B = 8, A = 2;
        int[] idx = new int[B];
        for (int b = 0; b < B; b++) idx[b] = b;
        float[] pi = new float[B * A], far = new float[B * A], near = new float[B * A];
        java.util.Arrays.fill(pi, -0.5f);
        new ActorRectification(ActorRectification.Config.defaults(), A, new float[B * A])
                .rectify(0, new PeakedQ(2, A), states(B, 2, 0.6f), pi, idx, new Rng(5), far);
        new ActorRectification(ActorRectification.Config.defaults().withInit(true, 0.01f), A, new float[B * A])
                .rectify(0, new PeakedQ(2, A), states(B, 2, 0.6f), pi, idx, new Rng(5), near);
        for (float a : far) assertEquals(0.6f, a, 0.3f);
        for (float a : near) assertEquals(-0.5f, a, 0.2f);
        assertEquals("policy", ActorRectification.Config.defaults().withInit(true, 0.01f).initFlag());
        assertEquals("zero", ActorRectification.Config.defaults().initFlag());
    }

    @Test
    void badConfigurationIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ActorRectification(ActorRectification.Config.defaults().withPeriod(0), 1, new float[1]));
        assertTrue(e.getMessage().contains("δ"));
        e = assertThrows(IllegalArgumentException.class, () -> ActorRectification.Config.defaults().withInit(false, -1f));
        assertTrue(e.getMessage().startsWith("--search-init-std must be a finite number > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActorRectification.Config.parseInit("data"));
        assertEquals("--search-init must be zero or policy, got 'data'", e.getMessage());
    }
}

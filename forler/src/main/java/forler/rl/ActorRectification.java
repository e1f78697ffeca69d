package forler.rl;

import forler.engine.Buffers;
import forler.engine.Rng;

/**
 * δ-periodic actor rectification (paper Algorithm 1 and Eq. 5): a per-transition cache of rectified actions
 * â, initialised to the dataset actions, refreshed for each minibatch.
 *
 * <ul>
 *   <li>τ mod δ = 0: a derivative-free search per state: I iterations of N actions drawn from N(x, y²I), clipped
 *       to the unit box and scored by Q; w = softmax(β·Q), x ← Σ w·a, y ← sqrt(Σ w·‖a − x‖²) floored at 1e-3.
 *       Its candidate is the best of all I·N actions. The temperature ({@link Temperature}): β as given
 *       ({@code fixed}, the default, as the paper's Eq. 5), or β divided by the spread (standard deviation) of the
 *       state's N candidate Q values in that iteration ({@code spread}): Q gaps of several units make softmax(β·Q)
 *       one-hot at β = 1, so that y falls to its floor after one iteration; scaled by the spread, the weights depend
 *       on how the candidates rank relative to each other, not on Q's units. The paper gives β no scale.
 *       With OMAR's x₀ = 0, y₀ = 2, 62% of the first iteration's coordinates are clipped to the box's edge, and so
 *       are many of the cached â (docs/design.md §Rectification measures how many).</li>
 *   <li>otherwise: the candidate is the cached action.</li>
 *   <li>either way â ← argmax_{candidate, π(s)} Q (2 evaluations per state), stored in the cache.</li>
 * </ul>
 * The best of all candidates ∪ π(s) on a search step is thus found exactly as the paper's line 8 says, and a
 * step costs I·N·[τ mod δ = 0] + 2 Q-evaluations per state, the model E7 measures. All candidates of a batch
 * are scored in one call of B·N rows; nothing is allocated per step once the workspaces have grown.
 *
 * <p>With a {@link FusedSearch} Q-function (the {@code cuda} backend) the search runs on the device in one call
 * (fixed temperature only; {@code spread} scores the candidates there and weighs them here); the pair step stays here. The CPU path ({@link MinQ}, Java Gaussians) is the default and the reference.
 */
public final class ActorRectification {
    /** Batched min-over-heads Q: out[r] = Q(states[r / repeat], actions[r]). {@link MinQ} is the real one. */
    public interface QFunction {
        void eval(float[] states, int repeat, float[] actions, int rows, float[] out);

        /** Rows evaluated so far. */
        long evaluations();
    }

    /**
     * A Q-function that also runs the whole search where it evaluates (the {@code cuda} backend's fused search,
     * {@link DeviceMinQ}): the same Eq. 5 iterations, candidates clipped to the unit box, std floored at 1e-3, with
     * ε from its own stream keyed by {@code seed} instead of the {@link Rng}'s Gaussians.
     */
    public interface FusedSearch extends QFunction {
        /** Writes the best of the I·N candidates of each of B states into {@code bestOut} [B, A]. */
        void search(float[] states, int b, float[] x0, Config cfg, long seed, float[] bestOut);
    }

    /** How Eq. 5's softmax temperature is set: β as given, or β over the spread of the candidates' Q. */
    public enum Temperature {
        FIXED, SPREAD;

        /** The flag's spelling: fixed, spread. */
        public String flag() { return name().toLowerCase(java.util.Locale.ROOT); }

        /** Parses {@code --search-temp}. */
        public static Temperature parse(String flag) {
            for (Temperature t : values()) if (t.flag().equals(flag)) return t;
            throw new IllegalArgumentException("--search-temp must be fixed or spread, got '" + flag + "'");
        }
    }

    /** Search settings; every default says where it comes from. */
    public record Config(
            int samples,          // N = 20: OMAR's population size (docs/design.md §Rectification)
            int iterations,       // I = 3: OMAR's iterations
            int period,           // δ = 1: rectify every step unless set (the paper's δ-periodic strategy)
            float beta,           // β = 1: softmax temperature of Eq. 5 (docs/design.md §Rectification)
            Temperature temperature, // FIXED: β as is (Eq. 5); SPREAD: β / std of the candidates' Q (docs/design.md §Rectification)
            float initStd,        // y₀ = 2.0: OMAR's initial σ (--search-init-std)
            boolean initAtPolicy, // x₀ = 0 (false) or π(s) (true; --search-init): docs/design.md §Rectification, default 0 as OMAR
            float minStd) {       // y floor 1e-3 (docs/design.md §Rectification)
        public static Config defaults() { return new Config(20, 3, 1, 1f, Temperature.FIXED, 2f, false, 1e-3f); }

        public Config withPeriod(int delta) { return new Config(samples, iterations, delta, beta, temperature, initStd, initAtPolicy, minStd); }

        public Config withSearch(int n, int i) { return new Config(n, i, period, beta, temperature, initStd, initAtPolicy, minStd); }

        public Config withTemperature(Temperature t) { return new Config(samples, iterations, period, beta, t, initStd, initAtPolicy, minStd); }

        /** The search's start: x₀ = π(s) when {@code atPolicy}, else 0; y₀ = {@code std} (must be > 0). */
        public Config withInit(boolean atPolicy, float std) {
            if (!(std > 0) || Float.isInfinite(std)) throw new IllegalArgumentException("--search-init-std must be a finite number > 0, got " + std);
            return new Config(samples, iterations, period, beta, temperature, std, atPolicy, minStd);
        }

        /** {@code --search-init}'s spelling of x₀: zero or policy. */
        public String initFlag() { return initAtPolicy ? "policy" : "zero"; }

        /** Parses {@code --search-init}: true for policy (x₀ = π(s)), false for zero. */
        public static boolean parseInit(String flag) {
            if (flag.equals("zero") || flag.equals("policy")) return flag.equals("policy");
            throw new IllegalArgumentException("--search-init must be zero or policy, got '" + flag + "'");
        }
    }

    private final Config cfg;
    private final int actDim;
    private final float[] cache;  // [|D|, A] rectified actions, unit box
    // workspaces
    private float[] cand = new float[0], q = new float[0], x = new float[0], y = new float[0], best = new float[0],
            bestQ = new float[0], pair = new float[0], pairQ = new float[0];

    /** @param datasetActions [|D|, A] the device's dataset actions in the unit box (copied into the cache) */
    public ActorRectification(Config cfg, int actDim, float[] datasetActions) {
        if (cfg.period() < 1) throw new IllegalArgumentException("δ (period) must be >= 1, got " + cfg.period());
        if (cfg.samples() < 1 || cfg.iterations() < 1) {
            throw new IllegalArgumentException("search needs N >= 1 and I >= 1, got N=" + cfg.samples() + " I=" + cfg.iterations());
        }
        this.cfg = cfg;
        this.actDim = actDim;
        this.cache = datasetActions.clone();
    }

    public Config config() { return cfg; }

    /** The cache, [|D|, A] (read-only use). */
    public float[] cache() { return cache; }

    /** True when local step τ runs the full search. */
    public boolean isSearchStep(int tau) { return tau % cfg.period() == 0; }

    /**
     * Refreshes the rectified actions of one minibatch and writes them into {@code out}.
     *
     * @param tau    local step within the round, from 0
     * @param states [B, S]
     * @param pi     [B, A] the current actor's actions π(s)
     * @param index  [B] dataset positions of the batch
     * @param out    [B, A] the rectified actions â for the actor loss
     */
    public void rectify(int tau, QFunction qf, float[] states, float[] pi, int[] index, Rng rng, float[] out) {
        int B = index.length, A = actDim;
        best = Buffers.grow(best, B * A);
        if (isSearchStep(tau)) {                       // Algorithm 1 line 1: τ ∈ Γ^δ
            search(qf, states, pi, B, rng, best);      // lines 2–7
        } else {                                       // line 9: the cached action is the candidate
            for (int b = 0; b < B; b++) System.arraycopy(cache, index[b] * A, best, b * A, A);
        }
        // Algorithm 1 lines 8 and 10: â = argmax over {candidate, π(s)}: rows 2b (candidate) and 2b+1 (π(s)) share state b.
        pair = Buffers.grow(pair, 2 * B * A);
        pairQ = Buffers.grow(pairQ, 2 * B);
        for (int b = 0; b < B; b++) {
            System.arraycopy(best, b * A, pair, 2 * b * A, A);
            System.arraycopy(pi, b * A, pair, (2 * b + 1) * A, A);
        }
        qf.eval(states, 2, pair, 2 * B, pairQ);
        for (int b = 0; b < B; b++) {
            int winner = pairQ[2 * b + 1] > pairQ[2 * b] ? 2 * b + 1 : 2 * b;
            System.arraycopy(pair, winner * A, out, b * A, A);
            System.arraycopy(pair, winner * A, cache, index[b] * A, A);
        }
    }

    /**
     * The search of Eq. 5 for B states; writes the best of its I·N candidates into {@code bestOut} [B, A].
     * Exactly I·N Q-evaluations per state.
     */
    public void search(QFunction qf, float[] states, float[] pi, int B, Rng rng, float[] bestOut) {
        if (qf instanceof FusedSearch f && cfg.temperature() == Temperature.FIXED) { // the device's search: one seed keys its ε stream
            f.search(states, B, cfg.initAtPolicy() ? pi : null, cfg, rng.nextLong(), bestOut);
            return;
        }
        int N = cfg.samples(), A = actDim;
        cand = Buffers.grow(cand, B * N * A);   // [B, N, A]
        q = Buffers.grow(q, B * N);             // [B, N]
        x = Buffers.grow(x, B * A);             // [B, A] mean
        y = Buffers.grow(y, B);                 // [B] isotropic std
        bestQ = Buffers.grow(bestQ, B);         // [B]
        for (int b = 0; b < B; b++) {                                            // Algorithm 1 line 2
            for (int j = 0; j < A; j++) x[b * A + j] = cfg.initAtPolicy() ? pi[b * A + j] : 0f;
            y[b] = cfg.initStd();
            bestQ[b] = Float.NEGATIVE_INFINITY;
        }
        for (int it = 0; it < cfg.iterations(); it++) {                          // Algorithm 1 lines 3–7
            for (int b = 0; b < B; b++)
                for (int n = 0; n < N; n++)
                    for (int j = 0; j < A; j++) {
                        float a = x[b * A + j] + y[b] * (float) rng.nextGaussian();
                        cand[(b * N + n) * A + j] = Math.max(-1f, Math.min(1f, a));
                    }
            qf.eval(states, N, cand, B * N, q);                                  // line 5: one batched call
            for (int b = 0; b < B; b++) {
                for (int n = 0; n < N; n++) {
                    if (q[b * N + n] > bestQ[b]) {
                        bestQ[b] = q[b * N + n];
                        System.arraycopy(cand, (b * N + n) * A, bestOut, b * A, A);
                    }
                }
                y[b] = eq5(q, b * N, cand, b * N * A, N, A, beta(q, b * N, N), cfg.minStd(), x, b * A); // line 6: Eq. 5
            }
        }
    }

    /** Eq. 5's temperature for one state's N candidate Q values at {@code off}: β, or β / their std ({@link Temperature#SPREAD}). */
    float beta(float[] q, int off, int n) {
        if (cfg.temperature() == Temperature.FIXED) return cfg.beta();
        return cfg.beta() / spread(q, off, n);
    }

    /** The standard deviation of {@code q[off, off + n)}, floored at 1e-6 (equal values would divide by zero). */
    static float spread(float[] q, int off, int n) {
        double mean = 0, sq = 0;
        for (int i = 0; i < n; i++) mean += q[off + i];
        mean /= n;
        for (int i = 0; i < n; i++) sq += (q[off + i] - mean) * (q[off + i] - mean);
        return (float) Math.max(Math.sqrt(sq / n), 1e-6);
    }

    /**
     * Eq. 5 for one state in one pass with an online softmax: running max m, Z = Σ e^{β(Q−m)}, Σ w·a and
     * Σ w·‖a‖² rescaled whenever m grows; then x = Σw·a / Z and y = sqrt(Σw·‖a‖² / Z − ‖x‖²), floored.
     *
     * @param q    [N] at qOff: the candidates' Q
     * @param cand [N, A] at cOff: the candidates
     * @param x    [A] at xOff: receives the weighted mean
     * @return the isotropic std y
     */
    static float eq5(float[] q, int qOff, float[] cand, int cOff, int N, int A, float beta, float minStd, float[] x, int xOff) {
        float m = Float.NEGATIVE_INFINITY;
        double z = 0, sq = 0;
        for (int j = 0; j < A; j++) x[xOff + j] = 0f; // holds Σ w·a until the end
        for (int n = 0; n < N; n++) {
            float qn = q[qOff + n];
            if (qn > m) { // rescale what was summed under the old max
                double r = m == Float.NEGATIVE_INFINITY ? 0 : Math.exp(beta * (m - qn));
                z *= r;
                sq *= r;
                for (int j = 0; j < A; j++) x[xOff + j] *= (float) r;
                m = qn;
            }
            double w = Math.exp(beta * (qn - m)), norm2 = 0;
            z += w;
            for (int j = 0; j < A; j++) {
                float a = cand[cOff + n * A + j];
                x[xOff + j] += (float) (w * a);
                norm2 += a * a;
            }
            sq += w * norm2;
        }
        double xx = 0;
        for (int j = 0; j < A; j++) {
            x[xOff + j] /= (float) z;
            xx += x[xOff + j] * x[xOff + j];
        }
        return Math.max((float) Math.sqrt(Math.max(sq / z - xx, 0)), minStd);
    }

}

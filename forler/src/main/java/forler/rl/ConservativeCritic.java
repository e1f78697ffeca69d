package forler.rl;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Adam;
import forler.engine.nn.Modules;
import java.util.Map;

/**
 * The CQL(H) critic of Eq. 3 (paper) / Kumar et al. 2020, shared by {@link Cql} and FORLER's devices:
 * two heads, target r + γ(1−d)·min_j Q'_j(s', a'), and the conservative term
 * ω_c · (logsumexp over sampled actions − Q(s, a)) with N uniform, N π(s) and N π(s') actions,
 * importance-corrected as CORL's {@code cql_importance_sample} (each sample's Q minus its log-density).
 *
 * <p>Deviations: none from CORL's CQL(H) with a fixed ω_c (no Lagrange dual), backup without entropy
 * (CORL's {@code backup_entropy=False}).
 */
public final class ConservativeCritic {
    /** Policy actions [B·N, A] in the unit box (N per state, contiguous) and their log-densities [B·N]. */
    public record Sample(Tensor action, Tensor logProb) {}

    public final QEnsemble q, target;
    public final Adam opt;
    private final float gamma, tau, cqlWeight, temperature;
    public final int numSampled;
    private final int actDim;

    /**
     * @param cqlWeight   ω_c
     * @param numSampled  N actions of each kind (uniform, π(s), π(s'))
     * @param temperature CQL's logsumexp temperature (1)
     */
    public ConservativeCritic(int obsDim, int actDim, int hidden, int depth, float lr, float gamma, float tau,
                              float cqlWeight, int numSampled, float temperature, Rng rng) {
        q = new QEnsemble(2, obsDim, actDim, hidden, depth, rng);
        target = new QEnsemble(2, obsDim, actDim, hidden, depth, rng);
        Modules.copy(q, target);
        opt = new Adam(q.paramList(), lr);
        this.gamma = gamma;
        this.tau = tau;
        this.cqlWeight = cqlWeight;
        this.numSampled = numSampled;
        this.temperature = temperature;
        this.actDim = actDim;
    }

    /**
     * One critic step. {@code nextAction} is the target's a'[B, A]; {@code cur} and {@code next} are the actor's
     * N draws per state at s and at s' (drawn by the caller, without tape). Returns td, cql and q statistics.
     */
    public Map<String, Double> update(Batch b, Tensor nextAction, Sample cur, Sample next, Rng rng) {
        int B = b.size(), N = numSampled;
        Tensor y, oodActions, oodCorrection;
        try (var g = Tape.noGrad()) {
            Tensor qNext = target.minQ(b.nextObs(), nextAction);                         // [B]
            y = b.rew().add(b.done().neg().addScalar(1f).mul(qNext).scale(gamma));       // [B] Eq. 3 (and 2): B̂^π Q
            Tensor rand = Tensor.uniform(rng, -1f, 1f, B * N, actDim);                   // [B·N, A]
            // [B, 3N, A]: per state its N uniform, N π(s), N π(s') actions, contiguous
            oodActions = Tensor.concat(1, rand.reshape(B, N, actDim), cur.action().reshape(B, N, actDim),
                    next.action().reshape(B, N, actDim)).reshape(B * 3 * N, actDim);
            float logUniform = (float) (actDim * Math.log(0.5));                         // log density of U(−1,1)^A
            Tensor uni = Tensor.zeros(B, N).addScalar(logUniform);
            oodCorrection = Tensor.concat(1, uni, cur.logProb().reshape(B, N), next.logProb().reshape(B, N)); // [B, 3N]
        }
        opt.zeroGrad();
        Tensor qData = q.q(b.obs(), b.act());                                             // [2, B]
        Tensor td = qData.sub(y).square().mean(1, false).sum();                           // Eq. 3, TD term: Σ_heads MSE
        Tensor qOod = q.q(b.obs().repeat(0, 3 * N), oodActions).reshape(2, B, 3 * N).sub(oodCorrection); // [2, B, 3N]
        Tensor lse = qOod.scale(1f / temperature).logsumexp(2, false).scale(temperature); // [2, B]
        Tensor cql = lse.sub(qData).mean(1, false).sum().scale(cqlWeight);               // Eq. 3, ω_c term (CQL(H) form)
        Tensor loss = td.add(cql);
        Tape.backward(loss);
        opt.step();
        Modules.polyak(q, target, tau);
        // a LinkedHashMap, not Map.of: the order of these names is the order of the log's columns, the same in every run
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("critic_loss", (double) loss.item());
        m.put("td_loss", (double) td.item());
        m.put("cql_loss", (double) cql.item());
        m.put("q_data", (double) qData.meanItem());
        return m;
    }
}

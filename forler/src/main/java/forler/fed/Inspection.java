package forler.fed;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.rl.ActorRectification;
import forler.rl.Agent;
import forler.rl.Batch;
import forler.rl.ForlerDevice;
import forler.rl.MinQ;
import forler.rl.QEnsemble;
import forler.rl.Transitions;
import java.util.ArrayList;
import java.util.List;

/**
 * A look inside a trained run ({@code forler inspect}): for the global policy and each device's local policy, on
 * N states of the data it learns from (D_o for the global policy, D_k for device k's), how far its actions lie from
 * the data's and from the edge of the action box, and what the critic that judges it makes of them.
 *
 * <p>A policy that has left its data shows a large ‖π(s) − a‖², many coordinates at the box's edge and
 * Q(s, π(s)) above Q(s, a): its critic values actions it was never shown above the data's, the overestimation the
 * conservative terms (Eq. 3, Eq. 6) are there to prevent. Q(s, u), u uniform in the box, is the critic's view of
 * arbitrary actions: a conservative critic keeps it well below Q(s, a). For FORLER's devices, the rectified actions â
 * of Algorithm 1 (the cache over all of D_k) are set against the data's actions too: the actor is pulled towards them
 * (Eq. 4's α1 term), and they are the critic's argmax, anchored to the data by nothing but the critic.
 */
public final class Inspection {
    private Inspection() {}

    /** |a_j| at or above this counts as the edge of the box (tanh(2.65) = 0.99). */
    public static final float SATURATED = 0.99f;

    /**
     * One policy's figures, means over the N states: {@code saturated} the fraction of action coordinates at the
     * box's edge; {@code distance} ‖π(s) − a‖² to the data's action (unit box, summed over coordinates); the
     * critic's value (min over its heads) of the data's action, the policy's and a uniform one; {@code headSpread}
     * the standard deviation over the heads of Q(s, a), the ensemble's disagreement on the data; for a FORLER
     * device, {@code targetSaturated} and {@code targetDistance} the same two figures for its rectified actions â over
     * all of D_k, and {@code qTarget} its critic's value of them on the N states (NaN for other policies).
     */
    public record Row(String policy, String data, double saturated, double distance, double qData, double qPolicy,
                      double qUniform, double headSpread, double targetSaturated, double targetDistance, double qTarget) {}

    /**
     * The rows of the global policy (first) and of every device's local policy, each on {@code states} transitions of
     * its own data drawn with {@code seed} (the same states for every checkpoint of one run).
     */
    public static List<Row> of(FedSimulation.Setup s, int states, long seed) {
        FedMethod m = s.method();
        List<Row> rows = new ArrayList<>();
        for (int k = -1; k < m.devices(); k++) {
            Transitions data = k < 0 ? s.server() : s.devices().get(k);
            Batch b = data.sample(states, new Rng(seed));
            float[] target = k >= 0 && m instanceof Forler f ? f.devices.get(k).rect.cache() : null;     // [|D_k|, A]
            rows.add(row(s, k, b, seed, target, data.actions(), target == null ? null : rows(target, b.index(), b.act().shape[1])));
        }
        return rows;
    }

    /** Where Algorithm 1's search starts: x₀ = π(s) ({@code atPolicy}) or 0, with std y₀ ({@code --search-init}, {@code --search-init-std}). */
    public record Start(boolean atPolicy, float std) {
        /** "zero:2" or "policy:0.5". */
        public static Start parse(String s) {
            int c = s.indexOf(':');
            try {
                float std = c > 0 ? Float.parseFloat(s.substring(c + 1)) : Float.NaN;
                if (std > 0 && !Float.isInfinite(std)) return new Start(ActorRectification.Config.parseInit(s.substring(0, c)), std);
            } catch (IllegalArgumentException e) {
                // named below
            }
            throw new IllegalArgumentException("--search takes X0:Y0 pairs (X0 zero or policy, Y0 the first std > 0), e.g. zero:0.5; got '" + s + "'");
        }

        public String label() { return (atPolicy ? "policy" : "zero") + ":" + std; }
    }

    /**
     * FORLER device k's row with its rectified actions made afresh: Algorithm 1 on the {@code states} drawn states
     * (drawn as {@link #of} draws them), one search step (lines 2–8) started from {@code start}, with the run's N and
     * temperature, {@code iterations} I (0: the run's) and the device's critic as it is, then â = argmax over the
     * search's best and π(s). The â figures
     * are over these states (the cache's in {@link #of}: over all of D_k). What a change of the search's start would
     * make of a trained critic, not what training with it would give.
     */
    public static Row searched(FedSimulation.Setup s, int k, Start start, int iterations, int states, long seed) {
        if (!(s.method() instanceof Forler f)) throw new IllegalArgumentException("--search needs a FORLER run: only its devices rectify");
        Transitions data = s.devices().get(k);
        Batch b = data.sample(states, new Rng(seed));
        int A = b.act().shape[1];
        ForlerDevice dev = f.devices.get(k);
        ActorRectification.Config run = dev.rect.config();
        ActorRectification rect = new ActorRectification(run.withInit(start.atPolicy(), start.std())
                .withSearch(run.samples(), iterations > 0 ? iterations : run.iterations()), A, b.act().data);
        float[] pi, target = new float[states * A];                                                // [N, A]
        try (var g = Tape.noGrad()) {
            pi = f.actLocal(k, b.obs()).data;
        }
        int[] index = new int[states];
        for (int i = 0; i < states; i++) index[i] = i;
        rect.rectify(0, new MinQ(dev.critic.q, b.obs().shape[1], A), b.obs().data, pi, index, new Rng(seed + 2), target);
        return row(s, k, b, seed, target, b.act().data, Tensor.of(target, states, A));
    }

    /**
     * Policy k's row on the batch {@code b} drawn with {@code seed}; with rectified actions {@code target} [?, A] (null:
     * none) and the data's actions {@code targetData} of the same rows, their figures too, and their Q on b's states
     * ({@code targetOnB} [N, A]: target's rows for b).
     */
    private static Row row(FedSimulation.Setup s, int k, Batch b, long seed, float[] target, float[] targetData, Tensor targetOnB) {
        FedMethod m = s.method();
        int states = b.index().length, A = b.act().shape[1];
        try (var g = Tape.noGrad()) {
            Tensor pi = k < 0 ? m.actGlobal(b.obs()) : m.actLocal(k, b.obs());          // [N, A]
            Tensor u = Tensor.uniform(new Rng(seed + 1), -1f, 1f, b.act().shape);       // [N, A]
            QEnsemble q = m.critic(k);
            Tensor qData = q.q(b.obs(), b.act());                                        // [H, N]
            return new Row(k < 0 ? "global" : "device " + k, k < 0 ? "D_o" : "D_" + k,
                    saturated(pi.data), distance(pi.data, b.act().data, states),
                    meanOfMin(qData.data, states), meanOfMin(q.q(b.obs(), pi).data, states),
                    meanOfMin(q.q(b.obs(), u).data, states), headSpread(qData.data, states),
                    target == null ? Double.NaN : saturated(target),
                    target == null ? Double.NaN : distance(target, targetData, target.length / A),
                    target == null ? Double.NaN : meanOfMin(q.q(b.obs(), targetOnB).data, states));
        }
    }

    /**
     * Policy k's (k = −1: the global policy's) normalised score over {@code episodes} episodes, the episodes a run
     * evaluates its round {@code round} with: at an evaluated round with the run's --eval-episodes, the score of rounds.csv.
     */
    public static double score(FedSimulation.Setup s, String task, long seed, int round, int k, int episodes) {
        Agent agent = FedSimulation.agent(s.method(), k, s.norm(), s.scale());
        return Tasks.info(task).normalizedScore(Rollouts.evaluate(s.env(), agent, episodes, FedSimulation.evalSeed(seed, round)).mean());
    }

    /** The rows {@code index} of {@code table} [?, A], as a tensor [|index|, A]. */
    static Tensor rows(float[] table, int[] index, int A) {
        float[] out = new float[index.length * A];
        for (int i = 0; i < index.length; i++) System.arraycopy(table, index[i] * A, out, i * A, A);
        return Tensor.of(out, index.length, A);
    }

    /** Fraction of the entries with |x| ≥ {@link #SATURATED}. */
    static double saturated(float[] a) {
        int n = 0;
        for (float x : a) if (Math.abs(x) >= SATURATED) n++;
        return (double) n / a.length;
    }

    /** mean over the N rows of ‖x − y‖² (x, y [N, A] row-major). */
    static double distance(float[] x, float[] y, int rows) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (x[i] - y[i]) * (x[i] - y[i]);
        return s / rows;
    }

    /** mean over the N columns of the min over the H rows of q [H, N]. */
    static double meanOfMin(float[] q, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            float min = Float.POSITIVE_INFINITY;
            for (int h = 0; h < q.length / n; h++) min = Math.min(min, q[h * n + j]);
            s += min;
        }
        return s / n;
    }

    /** mean over the N columns of the standard deviation over the H rows of q [H, N]. */
    static double headSpread(float[] q, int n) {
        int heads = q.length / n;
        double s = 0;
        for (int j = 0; j < n; j++) {
            double mean = 0, sq = 0;
            for (int h = 0; h < heads; h++) mean += q[h * n + j];
            mean /= heads;
            for (int h = 0; h < heads; h++) sq += (q[h * n + j] - mean) * (q[h * n + j] - mean);
            s += Math.sqrt(sq / heads);
        }
        return s / n;
    }
}

package forler.fed;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.rl.Batch;
import forler.rl.QEnsemble;
import forler.rl.Transitions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What happens to the devices' critics between upload and aggregation (docs/design.md §Adversarial devices): the
 * {@link Adversary}'s poisoning of the last device's upload, and the server's outlier check ({@code --reject-outliers}).
 *
 * <p>The check: the server evaluates every uploaded critic's mean Q, over its heads, at the (s, a) of a fixed
 * minibatch of D_o ({@link #ROWS} transitions drawn once); an upload whose mean lies further from the median of the
 * uploads than max({@link #MAD_K} median absolute deviations, {@link #MIN_BAND}·|median|) is left out of the
 * round's aggregation ({@link #outliers}). The relative band is there because honest devices holding different
 * kinds of data differ genuinely: on pendulum their mean Q on D_o lay within 5–45% of the median while the MAD of
 * four uploads was a few percent, and 3 MADs alone left out an honest device in 26 of 30 rounds (results/robustness).
 * With fewer than 3 uploads every upload is kept. At least half of the uploads are always kept.
 */
public final class Uploads {
    /** k: an upload more than k·MAD from the median is left out. */
    public static final double MAD_K = 3;
    /** The smallest band, relative to |median|: an upload nearer than this to the median is never an outlier. */
    public static final double MIN_BAND = 0.5;
    /** Transitions of D_o the check evaluates the critics on. */
    public static final int ROWS = 256;

    /** No adversary, no check: the uploads aggregated as they are. */
    public static final Uploads HONEST = new Uploads(Adversary.NONE, null, null);

    public final Adversary adversary;
    private final Batch probe;       // the fixed minibatch of D_o; null: the check is off
    private final PrintStream log;

    private Uploads(Adversary adversary, Batch probe, PrintStream log) {
        this.adversary = adversary;
        this.probe = probe;
        this.log = log;
    }

    /**
     * @param check      the outlier check on ({@code --reject-outliers})
     * @param serverData D_o, the check's minibatch drawn from it with {@code seed}
     * @param log        where each left-out upload is reported
     */
    public static Uploads of(Adversary adversary, boolean check, Transitions serverData, long seed, PrintStream log) {
        return new Uploads(adversary, check ? serverData.sample(ROWS, new Rng(seed)) : null, log);
    }

    /** True when the outlier check is on. */
    public boolean checks() { return probe != null; }

    /** Device k's critic as it reaches the server: poisoned when k is the adversary, else {@code critic} itself. */
    public QEnsemble upload(int k, int devices, QEnsemble critic) {
        return adversary.poisons(k, devices) ? adversary.poison(critic) : critic;
    }

    /** mean over heads and the minibatch of Q_e(s, a), (s, a) from D_o. */
    public double meanQ(QEnsemble critic) {
        try (var g = Tape.noGrad()) {
            Tensor q = critic.q(probe.obs(), probe.act()); // [E, ROWS]
            double sum = 0;
            for (float v : q.data) sum += v;
            return sum / q.data.length;
        }
    }

    /**
     * The devices whose uploads are aggregated in round {@code round}, in device order: all of them when the check is
     * off; else those {@link #outliers} keeps, each left-out one reported on the log. With the check on, {@code m}
     * gets the round's columns: {@code rejected} (count) and {@code upload_q_<k>} (each upload's mean Q on D_o).
     */
    public List<Integer> kept(int round, List<QEnsemble> uploads, Map<String, Double> m) {
        List<Integer> kept = new ArrayList<>();
        if (!checks()) {
            for (int k = 0; k < uploads.size(); k++) kept.add(k);
            return kept;
        }
        double[] q = new double[uploads.size()];
        for (int k = 0; k < q.length; k++) m.put("upload_q_" + k, q[k] = meanQ(uploads.get(k)));
        boolean[] out = outliers(q);
        double median = median(q);
        for (int k = 0; k < q.length; k++) {
            if (!out[k]) kept.add(k);
            else log.printf("round %d: device %d's critic left out: mean Q on D_o %.3f, median of the uploads %.3f (--reject-outliers)%n",
                    round + 1, k, q[k], median);
        }
        m.put("rejected", (double) (q.length - kept.size()));
        return kept;
    }

    /**
     * The outliers among {@code values}: |v_k − median| &gt; max(k·MAD, b·|median|), MAD = median_j |v_j − median|
     * (floored at 1e-6·max(1, |median|) so that near-identical uploads are not split by rounding), k = {@link #MAD_K},
     * b = {@link #MIN_BAND}. None with fewer than 3 values.
     */
    public static boolean[] outliers(double[] values) {
        boolean[] out = new boolean[values.length];
        if (values.length < 3) return out;
        double median = median(values);
        double[] dev = new double[values.length];
        for (int k = 0; k < dev.length; k++) dev[k] = Math.abs(values[k] - median);
        double band = Math.max(MAD_K * Math.max(median(dev), 1e-6 * Math.max(1, Math.abs(median))), MIN_BAND * Math.abs(median));
        for (int k = 0; k < out.length; k++) out[k] = dev[k] > band || Double.isNaN(values[k]);
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}

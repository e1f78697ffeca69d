package forler.rl;

import static forler.rl.HandNet.assertClose;
import static forler.rl.HandNet.row;
import static forler.rl.Td3BcLossTest.A;
import static forler.rl.Td3BcLossTest.ACT;
import static forler.rl.Td3BcLossTest.B;
import static forler.rl.Td3BcLossTest.DONE;
import static forler.rl.Td3BcLossTest.NEXT;
import static forler.rl.Td3BcLossTest.OBS;
import static forler.rl.Td3BcLossTest.REW;
import static forler.rl.Td3BcLossTest.S;
import static forler.rl.Td3BcLossTest.batch;

import forler.engine.Rng;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SAC-N's critic loss with FORLER's conservative ω_s term, 3 heads, hand-set tiny nets, derived by hand in double. */
class SacNLossTest {
    @Test
    void criticLossIsEnsembleTdWithEntropyBackupPlusOmegaGap() {
        criticLoss(false);
    }

    /** ω_s per head: Σ_i ω_s·(mean_b Q_i(s, a~π) − mean_b Q_i(s, a)), so each head's gap weighs ω_s, N times the averaged gap. */
    @Test
    void omegaPerHeadSumsTheGapOverTheHeads() {
        criticLoss(true);
    }

    private static void criticLoss(boolean perHead) {
        int heads = 3;
        float omega = 0.7f, gamma = 0.99f;
        SacN.Config d = SacN.Config.defaults();
        // actor and α learning rates 0: the actor step leaves the actor as set, so the critic's draws are hand-computable
        SacN sac = new SacN(S, A, new SacN.Config(heads, 3, 1, gamma, d.tau(), 0f, d.criticLr(), 0f, omega, perHead, 1f), 9);
        HandNet.set(sac.actor, 0.5);
        HandNet.set(sac.critic, 1.1);
        HandNet.set(sac.target, 3.3);
        sac.logAlpha.data[0] = -0.2f;
        double alpha = Math.exp(-0.2f);
        // Draws in order: a' ~ π(s') [B, A]; the actor's sample [B, A]; the ω term's a ~ π(s) [B, A].
        Rng copy = new Rng(0);
        copy.setState(sac.rng().state());
        double[] eps = new double[3 * B * A];
        for (int i = 0; i < eps.length; i++) eps[i] = (float) copy.nextGaussian();

        double[] y = new double[B];
        double[][] aPi = new double[B][];
        for (int b = 0; b < B; b++) {
            double[] next = HandNet.gaussianSample(sac.actor, row(NEXT, b, S), new double[] {eps[b * A], eps[b * A + 1]});
            double v = HandNet.minQ(sac.target, row(NEXT, b, S), new double[] {next[0], next[1]}) - alpha * next[A];
            y[b] = REW[b] + gamma * (1 - DONE[b]) * v;
            int o = 2 * B * A + b * A;
            double[] cur = HandNet.gaussianSample(sac.actor, row(OBS, b, S), new double[] {eps[o], eps[o + 1]});
            aPi[b] = new double[] {cur[0], cur[1]};
        }
        double td = 0, qData = 0, gap = 0;
        for (int e = 0; e < heads; e++)
            for (int b = 0; b < B; b++) {
                double q = HandNet.q(sac.critic, e, row(OBS, b, S), row(ACT, b, A));
                td += Math.pow(q - y[b], 2) / B;
                qData += q / (heads * B);
                double qp = HandNet.q(sac.critic, e, row(OBS, b, S), aPi[b]);
                // head e's own gap: ω_s·(mean_b Q_e(s, a~π) − mean_b Q_e(s, a)), averaged over heads or summed per head
                gap += omega * (qp - q) / B / (perHead ? 1 : heads);
            }
        Map<String, Double> m = sac.update(batch());
        assertClose(gap, m.get("conservative"), "ω term");
        assertClose(td + gap, m.get("critic_loss"), "SAC-N critic loss");
        assertClose(qData, m.get("q_data"), "mean Q(s, a)");
    }
}

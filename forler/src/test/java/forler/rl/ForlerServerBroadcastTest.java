package forler.rl;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.data.PolicyProvider;
import forler.engine.Rng;
import forler.engine.Tensor;
import forler.env.ActionScale;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's three broadcasts after one aggregation of two devices' differently initialised pairs. */
class ForlerServerBroadcastTest {
    static final int S = 3, A = 1, HIDDEN = 8, DEPTH = 1;

    /** A server for 2 devices on 64 random pendulum transitions. */
    static ForlerServer server(ForlerServer.Broadcast mode) {
        Dataset d = new DatasetBuilder(DatasetBuilder.registryEnvs(), PolicyProvider.none(), null, false)
                .build(new DatasetBuilder.Request("pendulum", DatasetBuilder.Kind.RANDOM, 64, 1, null));
        Transitions data = new DatasetTransitions(d, new ActionScale(new float[] {-2f}, new float[] {2f}), null);
        return new ForlerServer(data, SacN.Config.forlerServer(2, HIDDEN, DEPTH, 1f, false), mode, 16, 5);
    }

    /** The message to 2 devices after one server step on their uploads, under {@code mode}. */
    static ForlerServer.Message after(ForlerServer.Broadcast mode, ForlerServer[] serverOut) {
        ForlerServer server = server(mode);
        serverOut[0] = server;
        List<QEnsemble> critics = List.of(new QEnsemble(2, S, A, HIDDEN, DEPTH, new Rng(1)), new QEnsemble(2, S, A, HIDDEN, DEPTH, new Rng(2)));
        List<QEnsemble> targets = List.of(new QEnsemble(2, S, A, HIDDEN, DEPTH, new Rng(3)), new QEnsemble(2, S, A, HIDDEN, DEPTH, new Rng(4)));
        server.aggregate(critics, targets, 1);
        return server.message(2);
    }

    static float[] params(QEnsemble q) {
        List<Tensor> ps = q.paramList();
        int n = 0;
        for (Tensor t : ps) n += t.size();
        float[] out = new float[n];
        int o = 0;
        for (Tensor t : ps) {
            System.arraycopy(t.data, 0, out, o, t.size());
            o += t.size();
        }
        return out;
    }

    @Test
    void averageSendsOnePairOwnEachDeviceItsOwnAndMixTheirMean() {
        ForlerServer[] s = new ForlerServer[1];
        ForlerServer.Message avg = after(ForlerServer.Broadcast.AVERAGE, s);
        assertArrayEquals(params(avg.critics().get(0)), params(avg.critics().get(1)), "average: the same pair for every device");

        ForlerServer.Message own = after(ForlerServer.Broadcast.OWN, s);
        QEnsemble stacked = s[0].learner.critic;
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(params(stacked.heads(2 * k, 2)), params(own.critics().get(k)), "own: device " + k + " gets heads 2k, 2k+1");
            assertArrayEquals(params(s[0].learner.target.heads(2 * k, 2)), params(own.targets().get(k)), "own: target of device " + k);
        }
        assertFalse(java.util.Arrays.equals(params(own.critics().get(0)), params(own.critics().get(1))), "own: distinct pairs");

        ForlerServer.Message mix = after(ForlerServer.Broadcast.MIX, s);
        float[] average = params(s[0].learner.critic.averageGroups(2));
        for (int k = 0; k < 2; k++) {
            float[] mine = params(s[0].learner.critic.heads(2 * k, 2)), got = params(mix.critics().get(k));
            for (int i = 0; i < got.length; i++) assertEquals((mine[i] + average[i]) / 2, got[i], 1e-6, "mix: device " + k + " parameter " + i);
        }
        assertFalse(java.util.Arrays.equals(params(mix.critics().get(0)), params(mix.critics().get(1))), "mix: distinct pairs");
    }

    @Test
    void mixStartsFromOneSharedPairLikeTheAverage() {
        ForlerServer.Message first = server(ForlerServer.Broadcast.MIX).initial(2);
        assertArrayEquals(params(first.critics().get(0)), params(first.critics().get(1)));
    }

    @Test
    void theFlagParsesAndNamesItsChoices() {
        assertEquals(ForlerServer.Broadcast.MIX, ForlerServer.Broadcast.parse("mix"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForlerServer.Broadcast.parse("all"));
        assertTrue(e.getMessage().contains("--broadcast") && e.getMessage().contains("own"), e.getMessage());
    }
}

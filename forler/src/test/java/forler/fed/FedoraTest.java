package forler.fed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.Module;
import forler.env.ActionScale;
import forler.io.StateDict;
import forler.rl.DatasetTransitions;
import forler.rl.Td3Bc;
import forler.rl.Transitions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** FEDORA's decay rule, its value-softmax server weights, its optimistic target; Fed-TD3BC's |D_k|/|D| FedAvg. */
class FedoraTest {
    static final int S = 3, A = 2;

    /** Random transitions (unit-box actions) of size n. */
    static Transitions data(int n, long seed) {
        Rng r = new Rng(seed);
        float[] obs = new float[n * S], act = new float[n * A], rew = new float[n], next = new float[n * S];
        r.fillUniform(obs, -1, 1);
        r.fillUniform(act, -1, 1);
        r.fillUniform(rew, -1, 0);
        r.fillUniform(next, -1, 1);
        boolean[] term = new boolean[n], tout = new boolean[n];
        for (int i = 0; i < n; i++) term[i] = i % 37 == 36;
        float[] lo = {-1, -1}, hi = {1, 1};
        return new DatasetTransitions(new Dataset(S, A, obs, act, rew, next, term, tout), new ActionScale(lo, hi), null);
    }

    static Td3Bc.Config small() { return Td3Bc.Config.defaults().withNet(8, 1); }

    @Test
    void decayShrinksOnlyWhenTheFederatedPolicyLooksBetter() {
        assertEquals(0.995, Fedora.nextDecay(1.0, 0.995, 2.0, 1.0), 1e-15);
        assertEquals(1.0, Fedora.nextDecay(1.0, 0.995, 1.0, 2.0), 0.0);
        assertEquals(1.0, Fedora.nextDecay(1.0, 0.995, 1.5, 1.5), 0.0, "a tie keeps the decay");
        double d = 1;
        for (int round = 0; round < 100; round++) d = Fedora.nextDecay(d, 0.995, -3.0, -4.0);
        assertEquals(Math.pow(0.995, 100), d, 1e-12);
    }

    @Test
    void serverWeightsAreSoftmaxOfScaledValues() {
        double[] v = {1.0, 3.0, -2.0};
        double[] w = Fedora.valueWeights(v, 0.1);
        double z = Math.exp(0.1) + Math.exp(0.3) + Math.exp(-0.2);
        assertArrayEquals(new double[] {Math.exp(0.1) / z, Math.exp(0.3) / z, Math.exp(-0.2) / z}, w, 1e-12);
        double[] big = Fedora.valueWeights(new double[] {1e5, 1e5 - 10, -1e5}, 0.1); // no overflow
        assertEquals(1 / (1 + Math.exp(-1)), big[0], 1e-12);
        assertEquals(0.0, big[2], 1e-300);
    }

    @Test
    void fedTd3BcAveragesEveryNetworkWithSizeWeights() throws Exception {
        FedTd3Bc fed = new FedTd3Bc(List.of(data(100, 1), data(300, 2)), small(), 3, 16, 4);
        assertArrayEquals(new double[] {0.25, 0.75}, fed.weights(), 1e-15);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            fed.round(0, pool); // devices start from the global networks, train 3 steps each, then aggregate
        } finally {
            pool.shutdownNow();
        }
        Td3Bc d0 = fed.devices.get(0), d1 = fed.devices.get(1);
        checkAverage(new double[] {0.25, 0.75}, List.of(d0.actor, d1.actor), fed.global.actor);
        checkAverage(new double[] {0.25, 0.75}, List.of(d0.critic, d1.critic), fed.global.critic);
        checkAverage(new double[] {0.25, 0.75}, List.of(d0.criticTarget, d1.criticTarget), fed.global.criticTarget);
        checkAverage(new double[] {0.25, 0.75}, List.of(d0.actorTarget, d1.actorTarget), fed.global.actorTarget);
        assertFalse(java.util.Arrays.equals(d0.critic.paramList().get(0).data, d1.critic.paramList().get(0).data), "devices trained apart");
    }

    @Test
    void fedoraServerUsesValueSoftmaxAndDecayFollowsTheRule() throws Exception {
        Fedora f = new Fedora(List.of(data(120, 5), data(200, 6), data(80, 7)), Fedora.Config.defaults(small(), 4, 16), 3);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            f.round(0, pool);
        } finally {
            pool.shutdownNow();
        }
        double[] values = new double[3];
        List<Module> actors = new ArrayList<>(), critics = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Fedora.Device d = f.devices.get(k);
            values[k] = d.value;
            actors.add(d.learner.actor);
            critics.add(d.learner.critic);
            assertEquals(d.fedValue > d.value ? 0.995f : 1.0, d.decay, 0.0, "device " + k + " decay after one round");
        }
        double[] w = new double[3];
        double z = 0;
        for (int k = 0; k < 3; k++) z += w[k] = Math.exp(0.1 * values[k]);
        for (int k = 0; k < 3; k++) w[k] /= z;
        checkAverage(w, actors, f.serverActor);
        checkAverage(w, critics, f.serverCritic);
    }

    @Test
    void optimisticTargetTakesTheLargerOfLocalAndFederatedMin() {
        Fedora f = new Fedora(List.of(data(50, 8)), Fedora.Config.defaults(small(), 1, 8), 1);
        Fedora.Device d = f.devices.get(0);
        forler.engine.nn.Modules.copy(f.serverCritic, d.fedCritic);
        Rng r = new Rng(2);
        Tensor s = Tensor.uniform(r, -1, 1, 64, S), a = Tensor.uniform(r, -1, 1, 64, A), local = Tensor.uniform(r, -2, 2, 64);
        Tensor v, fed;
        try (var g = Tape.noGrad()) {
            v = d.nextValue(s, a, local);
            fed = f.serverCritic.minQ(s, a);
        }
        int fromFed = 0;
        for (int i = 0; i < 64; i++) {
            assertEquals(Math.max(local.data[i], fed.data[i]), v.data[i], 0f);
            if (fed.data[i] > local.data[i]) fromFed++;
        }
        assertTrue(fromFed > 0 && fromFed < 64, "both branches exercised, " + fromFed + " of 64 from Q_fed");
    }

    @Test
    void fedoraStateRoundTripsAndResumesBitExactly() throws Exception {
        Fedora.Config cfg = Fedora.Config.defaults(small(), 3, 8);
        List<Transitions> data = List.of(data(60, 9), data(90, 10));
        Fedora straight = new Fedora(data, cfg, 2), resumed = new Fedora(data, cfg, 2);
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            straight.round(0, pool);
            straight.round(1, pool);
            resumed.round(0, pool);
            StateDict s = resumed.state();
            Fedora fresh = new Fedora(data, cfg, 2);
            fresh.load(s);
            fresh.round(1, pool);
            StateDict a = straight.state(), b = fresh.state();
            assertEquals(a.tensors.keySet(), b.tensors.keySet());
            for (String k : a.tensors.keySet()) assertArrayEquals(a.tensors.get(k).data, b.tensors.get(k).data, k);
            assertEquals(a.meta, b.meta);
        } finally {
            pool.shutdownNow();
        }
    }

    /** into = Σ_k w_k·parts_k, parameter by parameter (in double). */
    static void checkAverage(double[] w, List<? extends Module> parts, Module into) {
        List<Tensor> out = into.paramList();
        for (int i = 0; i < out.size(); i++)
            for (int j = 0; j < out.get(i).data.length; j++) {
                double want = 0;
                for (int k = 0; k < parts.size(); k++) want += w[k] * parts.get(k).paramList().get(i).data[j];
                assertEquals(want, out.get(i).data[j], 1e-6, "parameter " + i + "[" + j + "]");
            }
    }
}

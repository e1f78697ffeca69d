package forler.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import forler.engine.Backend;
import forler.engine.Backends;
import forler.engine.DeviceCritic;
import forler.engine.Rng;
import forler.engine.Tensor;
import forler.engine.WithDeviceCritic;
import forler.engine.nn.EnsembleLinear;
import forler.kernels.CriticWeights;
import forler.kernels.Cuda;
import forler.kernels.CudaCritic;
import forler.kernels.PackedCritic;
import forler.kernels.TwinCritic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rectification on a backend's {@link DeviceCritic} (the cuda path) against the CPU: packing and refresh of
 * the critic's weights, and a {@link ForlerDevice} step with its search on the device. Without a GPU the device
 * is {@link TwinCritic} (the Java twin of the CUDA kernels); with one, {@link CudaCritic} is compared with it.
 */
class DeviceRectificationTest {
    static final int S = 5, A = 3, H = 17, DEPTH = 2;
    private final Backend cpu = Backends.get();

    @AfterEach
    void restoreBackend() { Backends.set(cpu); }

    // ---------------------------------------------------------------------------------------- packing, refresh

    @Test
    void packingEqualsTheLayerByLayerWeightsAndTheTwinEqualsMinQ() {
        QEnsemble q = new QEnsemble(2, S, A, H, DEPTH, new Rng(3));
        EnsembleLinear[] layers = q.net.layers;
        List<Tensor> ws = new ArrayList<>(), bs = new ArrayList<>();
        for (EnsembleLinear l : layers) {
            ws.add(l.weight);
            bs.add(l.bias);
        }
        CriticWeights want = CriticWeights.fromTensors(S, ws, bs), got = PackedCritic.of(S, layers).unpack();
        assertArrayEquals(want.w0(), got.w0());
        assertArrayEquals(want.b0(), got.b0());
        assertArrayEquals(want.wMid(), got.wMid());
        assertArrayEquals(want.bMid(), got.bMid());
        assertArrayEquals(want.wOut(), got.wOut());
        assertArrayEquals(want.bOut(), got.bOut());
        assertEquals(2, got.heads());
        assertEquals(DEPTH, got.layers());

        Rng rng = new Rng(4);
        int b = 6, n = 7;
        float[] states = uniform(rng, b * S), actions = uniform(rng, b * n * A);
        try (TwinCritic twin = new TwinCritic(S, layers)) {
            assertClose("twin vs MinQ", minQ(q, S, states, n, actions), twinQ(twin, states, n, actions));
        }
    }

    @Test
    void refreshIsOneCopyOfTheLiveWeightsAndWithoutItTheCopyIsStale() {
        QEnsemble q = new QEnsemble(2, S, A, H, 3, new Rng(5));
        Rng rng = new Rng(6);
        int b = 4, n = 5;
        float[] states = uniform(rng, b * S), actions = uniform(rng, b * n * A);
        try (TwinCritic twin = new TwinCritic(S, q.net.layers)) {
            float[] before = minQ(q, S, states, n, actions);
            for (EnsembleLinear l : q.net.layers) { // a "critic step": every weight and bias moves
                for (int i = 0; i < l.weight.data.length; i++) l.weight.data[i] += 0.05f * (float) rng.nextGaussian();
                for (int i = 0; i < l.bias.data.length; i++) l.bias.data[i] += 0.05f * (float) rng.nextGaussian();
            }
            float[] after = minQ(q, S, states, n, actions);
            assertClose("stale copy still gives the old critic", before, twinQ(twin, states, n, actions));
            assertTrue(maxAbsDiff(before, after) > 1e-3, "the perturbation must change Q for this test to mean anything");
            twin.refresh(q.net.layers);
            assertEquals(1, twin.refreshes());
            assertClose("refreshed copy gives the new critic", after, twinQ(twin, states, n, actions));
        }
    }

    @Test
    void packRejectsALayerOfAnotherShapeByName() {
        QEnsemble q = new QEnsemble(2, S, A, H, DEPTH, new Rng(7)), wider = new QEnsemble(2, S, A, H + 1, DEPTH, new Rng(7));
        PackedCritic p = PackedCritic.of(S, q.net.layers);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> p.pack(wider.net.layers));
        assertTrue(e.getMessage().contains("critic layer 0 is [2, 8, 18]"), e.getMessage());
    }

    // -------------------------------------------------------------------------------- a device step, CPU twin

    @Test
    void aDeviceStepOnTheTwinSearchesThereWithTheCurrentCritic() {
        List<Checked> made = new ArrayList<>();
        Backends.set(new WithDeviceCritic(cpu, (s, layers) -> {
            Checked c = new Checked(new TwinCritic(s, layers), layers);
            made.add(c);
            return c;
        }));
        ActorRectification.Config rcfg = ActorRectification.Config.defaults().withSearch(9, 2).withPeriod(2);
        ForlerDevice dev = new ForlerDevice(0, new RandomTransitions(200, S, A, 11), small(), rcfg, 12);
        assertInstanceOf(DeviceMinQ.class, dev.rectificationQ());
        assertEquals(1, made.size());
        Checked c = made.get(0);
        float[] cacheBefore = dev.rect.cache().clone();
        for (int tau = 0; tau < 4; tau++) {
            double evals = dev.step(tau).get("q_evals_per_state");
            assertEquals(tau % 2 == 0 ? 9 * 2 + 2 : 2, evals, 1e-9, "Q-evaluations per state at τ=" + tau);
        }
        assertEquals(4, c.refreshes, "one refresh per step");
        assertTrue(c.searches == 2 && c.evals == 4, "searches " + c.searches + ", pair evaluations " + c.evals);
        assertTrue(maxAbsDiff(cacheBefore, dev.rect.cache()) > 0, "the rectified actions must have moved");
        for (float v : dev.rect.cache()) assertTrue(v >= -1f && v <= 1f, "rectified action outside the unit box: " + v);
    }

    @Test
    void deviceSearchRejectsAStdFloorItCannotHonour() {
        Backends.set(new WithDeviceCritic(cpu, TwinCritic::new));
        ActorRectification.Config rcfg = new ActorRectification.Config(5, 2, 1, 1f, ActorRectification.Temperature.FIXED, 2f, false, 1e-2f);
        ForlerDevice dev = new ForlerDevice(0, new RandomTransitions(50, S, A, 1), small(), rcfg, 2);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> dev.step(0));
        assertTrue(e.getMessage().contains("floors its std at 0.001"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------- the GPU against it

    /**
     * Two devices with the same seed, data and CPU GEMMs, one rectifying on the GPU and one on the twin: every
     * step's search candidates are the same bit for bit (Philox ε, the tuned critic's arithmetic order), so the
     * rectified actions are too, and Q agrees within tolerance.
     */
    @Tag("gpu")
    @Test
    void aDeviceStepOnTheGpuRectifiesAsTheTwin() {
        assumeTrue(Cuda.available(), Cuda::unavailableReason);
        ActorRectification.Config rcfg = ActorRectification.Config.defaults().withSearch(20, 3).withPeriod(2);
        ForlerDevice.Config cfg = ForlerDevice.Config.defaults(); // hidden 256, B 256
        int obs = 17, act = 6;
        List<DeviceCritic> gpus = new ArrayList<>();
        Backends.set(new WithDeviceCritic(cpu, (s, l) -> {
            CudaCritic c = new CudaCritic(s, l);
            gpus.add(c);
            return c;
        }));
        ForlerDevice onGpu = new ForlerDevice(0, new RandomTransitions(1000, obs, act, 21), cfg, rcfg, 22);
        Backends.set(new WithDeviceCritic(cpu, TwinCritic::new));
        ForlerDevice onTwin = new ForlerDevice(0, new RandomTransitions(1000, obs, act, 21), cfg, rcfg, 22);
        for (int tau = 0; tau < 3; tau++) {
            onGpu.step(tau);
            onTwin.step(tau);
            float[] g = onGpu.rect.cache(), t = onTwin.rect.cache();
            for (int i = 0; i < g.length; i++) {
                if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(t[i])) {
                    fail("τ=" + tau + ": rectified action " + i + " differs: gpu " + g[i] + ", twin " + t[i]);
                }
            }
        }
        assertEquals(1 + 3, ((CudaCritic) gpus.get(0)).weightUploads(), "one upload at start, one per step");
        // The search itself on the trained critic: candidates bit for bit, Q within tolerance.
        Rng rng = new Rng(23);
        int b = 256, n = 20, it = 3;
        float[] states = uniform(rng, b * obs), bestG = new float[b * act], bestT = new float[b * act], qG = new float[b], qT = new float[b];
        try (CudaCritic gpu = new CudaCritic(obs, onGpu.critic.q.net.layers); TwinCritic twin = new TwinCritic(obs, onGpu.critic.q.net.layers)) {
            gpu.search(states, b, null, n, it, 1f, 2f, 99L, bestG, qG);
            twin.search(states, b, null, n, it, 1f, 2f, 99L, bestT, qT);
            assertArrayEquals(bestT, bestG, 0f, "best candidates, gpu vs twin");
            assertClose("best Q, gpu vs twin", qT, qG);
            float[] actions = uniform(rng, b * 2 * act), want = new float[2 * b], got = new float[2 * b];
            twin.minQ(states, 2, actions, 2 * b, want);
            gpu.minQ(states, 2, actions, 2 * b, got);
            assertClose("min Q, gpu vs twin", want, got);
            assertClose("min Q, gpu vs MinQ (CPU path)", minQ(onGpu.critic.q, obs, states, 2, actions), got);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static ForlerDevice.Config small() {
        ForlerDevice.Config d = ForlerDevice.Config.defaults();
        return new ForlerDevice.Config(16, 2, d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.cqlWeight(), 3, d.cqlNoise(),
                d.alpha1(), d.alpha2(), 8);
    }

    /** The CPU path's min over heads, [rows], for a critic whose states have {@code stateDim} features. */
    static float[] minQ(QEnsemble q, int stateDim, float[] states, int n, float[] actions) {
        int a = q.net.layers[0].in() - stateDim;
        float[] out = new float[actions.length / a];
        new MinQ(q, stateDim, a).eval(states, n, actions, out.length, out);
        return out;
    }

    private static float[] twinQ(TwinCritic twin, float[] states, int n, float[] actions) {
        float[] out = new float[actions.length / twin.packed().actionDim()];
        twin.minQ(states, n, actions, out.length, out);
        return out;
    }

    static void assertClose(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(want[i]);
            if (!(Math.abs(want[i] - got[i]) <= tol)) fail(what + ": element " + i + " is " + got[i] + ", want " + want[i] + " ± " + tol);
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static float[] uniform(Rng rng, int n) {
        float[] x = new float[n];
        rng.fillUniform(x, -1f, 1f);
        return x;
    }

    /** A device critic that fails the test when it is used with a copy that differs from the live critic. */
    static final class Checked implements DeviceCritic {
        final TwinCritic inner;
        final EnsembleLinear[] live;
        int refreshes, searches, evals;

        Checked(TwinCritic inner, EnsembleLinear[] live) {
            this.inner = inner;
            this.live = live;
        }

        private void checkFresh() {
            float[] want = PackedCritic.of(inner.packed().stateDim(), live).data();
            assertArrayEquals(want, inner.packed().data(), "the device copy of the critic is stale");
        }

        @Override public void refresh(EnsembleLinear[] layers) {
            refreshes++;
            inner.refresh(layers);
        }

        @Override public void minQ(float[] states, int repeat, float[] actions, int rows, float[] out) {
            checkFresh();
            evals++;
            inner.minQ(states, repeat, actions, rows, out);
        }

        @Override public void search(float[] states, int b, float[] x0, int samples, int iterations, float beta, float initStd,
                                     long seed, float[] bestActions, float[] bestQ) {
            checkFresh();
            searches++;
            inner.search(states, b, x0, samples, iterations, beta, initStd, seed, bestActions, bestQ);
        }

        @Override public long evaluations() { return inner.evaluations(); }

        @Override public String device() { return inner.device(); }

        @Override public void close() { inner.close(); }
    }

    /** Random transitions in the unit box: enough for a device step. */
    static final class RandomTransitions implements Transitions {
        private final int n, s, a;
        private final float[] obs, act, rew, next, done; // [n, S], [n, A], [n], [n, S], [n]

        RandomTransitions(int n, int s, int a, long seed) {
            this.n = n;
            this.s = s;
            this.a = a;
            Rng rng = new Rng(seed);
            obs = uniform(rng, n * s);
            act = uniform(rng, n * a);
            rew = uniform(rng, n);
            next = uniform(rng, n * s);
            done = new float[n];
        }

        @Override public int size() { return n; }

        @Override public int obsDim() { return s; }

        @Override public int actDim() { return a; }

        @Override public float[] actions() { return act; }

        @Override public Batch sample(int batchSize, Rng rng) {
            int[] idx = new int[batchSize];
            float[] o = new float[batchSize * s], ac = new float[batchSize * a], r = new float[batchSize], nx = new float[batchSize * s],
                    d = new float[batchSize];
            for (int i = 0; i < batchSize; i++) {
                int j = idx[i] = rng.nextInt(n);
                System.arraycopy(obs, j * s, o, i * s, s);
                System.arraycopy(act, j * a, ac, i * a, a);
                System.arraycopy(next, j * s, nx, i * s, s);
                r[i] = rew[j];
                d[i] = done[j];
            }
            return new Batch(Tensor.of(o, batchSize, s), Tensor.of(ac, batchSize, a), Tensor.of(r, batchSize),
                    Tensor.of(nx, batchSize, s), Tensor.of(d, batchSize), idx);
        }
    }
}

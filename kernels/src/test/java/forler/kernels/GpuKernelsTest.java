package forler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import forler.engine.Backend;
import forler.engine.Backends;
import forler.engine.NaiveBackend;
import forler.engine.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kernel training launches against its Java twin, |gpu − twin| <= atol + rtol·|twin|, on odd shapes (the
 * kernels under dev/: {@code forler.kernels.dev.DevKernelsGpuTest}). Skipped (visibly) where there is no GPU or no
 * libcuda; bench/gpu/run-all.sh runs it on the GPU machine.
 */
@Tag("gpu")
public class GpuKernelsTest {
    private static Cuda cuda;
    private final Rng rng = new Rng(1234);

    /** Per test, so a CPU-only run lists every GPU test as skipped, with the reason. */
    @BeforeEach
    void gpu() {
        assumeTrue(Cuda.available(), Cuda::unavailableReason);
        if (cuda == null) {
            cuda = Cuda.get();
            System.out.println("GPU tests on " + cuda.description());
        }
        cuda.makeCurrent();
    }

    // ------------------------------------------------------------------------------------------------ gemm.cu

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "3,5,7", "64,64,16", "65,33,17", "130,70,300", "7,200,1", "257,129,64"})
    void gemmKernelsEqualNaiveBackend(int m, int n, int k) {
        GemmKernels gemm = new GemmKernels(cuda);
        NaiveBackend ref = new NaiveBackend();
        float[] a = Close.uniform(rng, m * k, -1, 1), b = Close.uniform(rng, k * n, -1, 1), c0 = Close.uniform(rng, m * n, -1, 1);
        try (GpuBuffer da = GpuBuffer.of(a); GpuBuffer db = GpuBuffer.of(b); GpuBuffer dc = new GpuBuffer(m * n)) {
            for (GemmKernels.Op op : GemmKernels.Op.values())
                for (boolean acc : new boolean[] {false, true}) {
                    float[] want = reference(ref, op, m, n, k, a, b, c0, acc);
                    dc.upload(c0, 0, m * n);
                    gemm.launch(op, da, db, dc, m, n, k, acc);
                    Close.assertClose(op + " tiled" + (acc ? " +=" : ""), want, dc.download(m * n), 1e-5 * Math.sqrt(k), 1e-5);
                }
        }
    }

    /** cuBLAS (the optional GEMM path and the benchmark's baseline) in our row-major conventions; skipped without libcublas.so.12. */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "65,33,17", "130,70,300", "257,129,64"})
    void cublasGemmEqualsNaiveBackend(int m, int n, int k) {
        CublasGemm blas = cublas();
        NaiveBackend ref = new NaiveBackend();
        float[] a = Close.uniform(rng, m * k, -1, 1), b = Close.uniform(rng, k * n, -1, 1), c0 = Close.uniform(rng, m * n, -1, 1);
        try (blas; GpuBuffer da = GpuBuffer.of(a); GpuBuffer db = GpuBuffer.of(b); GpuBuffer dc = new GpuBuffer(m * n)) {
            for (GemmKernels.Op op : GemmKernels.Op.values())
                for (boolean acc : new boolean[] {false, true}) {
                    float[] want = reference(ref, op, m, n, k, a, b, c0, acc);
                    dc.upload(c0, 0, m * n);
                    blas.gemm(op, da, db, dc, m, n, k, acc);
                    Close.assertClose(op + " cublas" + (acc ? " +=" : ""), want, dc.download(m * n), 1e-5 * Math.sqrt(k), 1e-5);
                }
        }
    }

    @Test
    void cublasStridedBatchedEqualsPerHeadProducts() {
        CublasGemm blas = cublas();
        NaiveBackend ref = new NaiveBackend();
        int e = 3, rows = 37, in = 23, out = 19;
        float[] x = Close.uniform(rng, e * rows * in, -1, 1), w = Close.uniform(rng, e * in * out, -1, 1); // [E,rows,in], [E,in,out]
        try (blas; GpuBuffer dx = GpuBuffer.of(x); GpuBuffer dw = GpuBuffer.of(w); GpuBuffer dy = new GpuBuffer(e * rows * out)) {
            for (boolean shared : new boolean[] {false, true}) {
                float[] want = new float[e * rows * out];                                                    // [E, rows, out]
                for (int h = 0; h < e; h++) ref.mult(rows, out, in, x, shared ? 0 : h * rows * in, w, h * in * out, want, h * rows * out, false);
                blas.ensemble(dx, shared, dw, dy, e, rows, in, out, false);
                Close.assertClose("strided batched" + (shared ? " shared x" : ""), want, dy.download(e * rows * out), 1e-5 * Math.sqrt(in), 1e-5);
            }
        }
    }

    /** C0 (+)= op(A)·op(B) on the CPU reference backend: what every GPU GEMM path must give. */
    /** C (+)= op(A)·op(B) by the CPU twin, from C = c0 when accumulating. */
    public static float[] reference(NaiveBackend ref, GemmKernels.Op op, int m, int n, int k, float[] a, float[] b, float[] c0, boolean acc) {
        float[] want = c0.clone();
        switch (op) {
            case NN -> ref.mult(m, n, k, a, 0, b, 0, want, 0, acc);
            case TN -> ref.multTransA(m, n, k, a, 0, b, 0, want, 0, acc);
            case NT -> ref.multTransB(m, n, k, a, 0, b, 0, want, 0, acc);
        }
        return want;
    }

    /** cuBLAS, or the test skipped with the reason it cannot load (e.g. no libcublas.so.12 beside a CUDA 13 driver). */
    private static CublasGemm cublas() {
        CublasGemm g = null;
        String why = null;
        try {
            g = CublasGemm.load();
        } catch (IllegalStateException e) {
            why = e.getMessage();
        }
        assumeTrue(g != null, why);
        return g;
    }

    @Test
    void cudaBackendWithOffsetsAndAccumulateEqualsNaive() {
        Backend gpu = Backends.byName("cuda");
        assertEquals("cuda", gpu.name());
        Backend ref = new NaiveBackend();
        int m = 37, n = 19, k = 45, off = 5;
        float[] a = Close.uniform(rng, off + m * k, -1, 1), b = Close.uniform(rng, off + k * n, -1, 1);
        float[] c = Close.uniform(rng, off + m * n + 3, -1, 1);
        for (boolean acc : new boolean[] {false, true}) {
            float[] want = c.clone(), got = c.clone();
            ref.mult(m, n, k, a, off, b, off, want, off, acc);
            gpu.mult(m, n, k, a, off, b, off, got, off, acc);
            Close.assertClose("mult", want, got, 1e-4, 1e-5);
            want = c.clone(); got = c.clone();
            ref.multTransA(m, n, k, a, off, b, off, want, off, acc);
            gpu.multTransA(m, n, k, a, off, b, off, got, off, acc);
            Close.assertClose("multTransA", want, got, 1e-4, 1e-5);
            want = c.clone(); got = c.clone();
            ref.multTransB(m, n, k, a, off, b, off, want, off, acc);
            gpu.multTransB(m, n, k, a, off, b, off, got, off, acc);
            Close.assertClose("multTransB", want, got, 1e-4, 1e-5);
        }
    }

    // --------------------------------------------------------------------------------------- critic_search.cu

    @ParameterizedTest(name = "E={0} B={1} N={2} S={3} A={4} H={5} L={6}")
    @CsvSource({"2,3,7,4,5,33,2", "3,2,5,11,1,17,1", "4,1,1,3,2,40,3", "2,5,20,17,6,256,2", "2,2,9,376,17,256,3",
            "10,4,20,11,3,300,2"})
    void criticKernelsEqualTwin(int e, int b, int n, int s, int a, int h, int l) {
        CriticWeights w = CriticWeights.random(rng, e, s, a, h, l);
        float[] states = Close.uniform(rng, b * s, -2, 2), actions = Close.uniform(rng, b * n * a, -1, 1);
        int rows = b * n;
        float[] want = new float[rows];
        CriticSearchTwin.forwardMin(w, states, actions, rows, n, want);
        CriticSearchKernel k = new CriticSearchKernel(cuda);
        try (var dw = new CriticSearchKernel.Weights(w); GpuBuffer dS = GpuBuffer.of(states); GpuBuffer dA = GpuBuffer.of(actions);
             GpuBuffer dOut = new GpuBuffer(rows)) {
            k.forwardMin(dOut, dS, dA, rows, n, dw);
            Close.assertClose("critic_min", want, dOut.download(rows), 1e-5, 1e-5);
        }
    }

    // ------------------------------------------------------------------------------------------ cem_update.cu

    @ParameterizedTest(name = "B={0} N={1} A={2}")
    @CsvSource({"3,7,5", "1,1,1", "4,20,6", "2,300,17", "5,129,2"})
    void cemUpdateAndSampleEqualTwin(int b, int n, int a) {
        CemUpdateKernel k = new CemUpdateKernel(cuda);
        float[] low = Close.uniform(rng, a, -1.5f, -0.5f), high = Close.uniform(rng, a, 0.5f, 1.5f);
        float[] mean = Close.uniform(rng, b * a, -0.5f, 0.5f), std = Close.uniform(rng, b, 0.1f, 2f);
        float[] actions = new float[b * n * a];
        long seed = 0x1234_5678_9abcL;
        CemUpdateTwin.sample(actions, mean, std, low, high, b, n, a, seed, 3 * n);
        try (GpuBuffer dA = new GpuBuffer(b * n * a); GpuBuffer dMean = GpuBuffer.of(mean); GpuBuffer dStd = GpuBuffer.of(std);
             GpuBuffer dLow = GpuBuffer.of(low); GpuBuffer dHigh = GpuBuffer.of(high); GpuBuffer dQ = new GpuBuffer(b * n); GpuBuffer dBq = new GpuBuffer(b);
             GpuBuffer dBa = new GpuBuffer(b * a)) {
            k.sample(dA, dMean, dStd, dLow, dHigh, b, n, a, seed, 3 * n);
            assertArrayEquals(actions, dA.download(b * n * a), "cem_sample must reproduce the twin's candidates bit for bit");

            float[] q = Close.uniform(rng, b * n, -20, 20);
            float[] bestQ = new float[b], bestA = new float[b * a];
            Arrays.fill(bestQ, Float.NEGATIVE_INFINITY);
            bestQ[0] = 1e9f; // state 0 keeps an earlier best
            dQ.upload(q, 0, b * n);
            dBq.upload(bestQ, 0, b);
            dBa.upload(bestA, 0, b * a);
            float[] m2 = new float[b * a], s2 = new float[b];
            CemUpdateTwin.update(actions, q, m2, s2, bestQ, bestA, low, high, b, n, a, 0.8f, seed, 4 * n, false);
            k.update(dA, dQ, dMean, dStd, dBq, dBa, dLow, dHigh, b, n, a, 0.8f, seed, 4 * n, false);
            Close.assertClose("cem mean", m2, dMean.download(b * a), 1e-6, 1e-5);
            Close.assertClose("cem std", s2, dStd.download(b), 1e-6, 1e-5);
            Close.assertClose("cem best Q", bestQ, dBq.download(b), 0, 0);
            Close.assertClose("cem best action", bestA, dBa.download(b * a), 0, 0);
            Close.assertClose("candidates untouched without sampleNext", actions, dA.download(b * n * a), 0, 0);

            // With sampling: the GPU's next candidates from its own mean/std equal the twin's sampling of those.
            k.update(dA, dQ, dMean, dStd, dBq, dBa, dLow, dHigh, b, n, a, 0.8f, seed, 4 * n, true);
            float[] next = new float[b * n * a];
            CemUpdateTwin.sample(next, dMean.download(b * a), dStd.download(b), low, high, b, n, a, seed, 4 * n);
            assertArrayEquals(next, dA.download(b * n * a), "cem_update's sampling");
        }
    }

    // -------------------------------------------------------------------------------------------- CudaSearch

    @Test
    void cudaSearchEqualsTwinSearch() {
        int b = 5, s = 11, a = 3;
        CriticWeights w = CriticWeights.random(rng, 2, s, a, 64, 2);
        float[] states = Close.uniform(rng, b * s, -1, 1), x0 = Close.uniform(rng, b * a, -0.5f, 0.5f);
        float[] low = {-1, -1, -1}, high = {1, 1, 1};
        SearchConfig cfg = new SearchConfig(20, 3, 1f, 2f, low, high);
        CemSearchTwin twin = new CemSearchTwin(w);
        SearchResult want = twin.search(states, b, x0, cfg, 77L);
        try (CudaSearch gpu = new CudaSearch(w)) {
            SearchResult got = gpu.search(states, b, x0, cfg, 77L);
            Close.assertClose("search best Q", want.bestQ(), got.bestQ(), 1e-4, 1e-4);
            Close.assertClose("search best actions", want.bestActions(), got.bestActions(), 1e-4, 1e-4);
            assertEquals((long) b * 20 * 3, gpu.qEvaluations());
            float[] q = gpu.evaluate(states, want.bestActions(), b, 1);
            Close.assertClose("evaluate(best) = best Q", want.bestQ(), q, 1e-5, 1e-5);
            assertTrue(gpu.qEvaluations() > (long) b * 20 * 3);
        }
    }
}

package forler.kernels.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import forler.engine.NaiveBackend;
import forler.engine.Rng;
import forler.kernels.Close;
import forler.kernels.CemSearchTwin;
import forler.kernels.CriticSearchKernel;
import forler.kernels.CriticSearchTwin;
import forler.kernels.CriticWeights;
import forler.kernels.Cuda;
import forler.kernels.CudaSearch;
import forler.kernels.GemmKernels;
import forler.kernels.GpuBuffer;
import forler.kernels.GpuKernelsTest;
import forler.kernels.SearchConfig;
import forler.kernels.SearchResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernels under dev/ (first versions kept for comparison, test-only kernels) against their Java twins, as
 * {@link GpuKernelsTest} does for the kernels training launches. Skipped (visibly) where there is no GPU.
 */
@Tag("gpu")
class DevKernelsGpuTest {
    private static Cuda cuda;
    private final Rng rng = new Rng(4321);

    @BeforeEach
    void gpu() {
        assumeTrue(Cuda.available(), Cuda::unavailableReason);
        if (cuda == null) cuda = Cuda.get();
        cuda.makeCurrent();
    }

    // ----------------------------------------------------------------------------------------- gemm_naive.cu

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "3,5,7", "65,33,17", "130,70,300", "257,129,64"})
    void naiveGemmEqualsNaiveBackend(int m, int n, int k) {
        NaiveGemmKernels gemm = new NaiveGemmKernels(cuda);
        NaiveBackend ref = new NaiveBackend();
        float[] a = Close.uniform(rng, m * k, -1, 1), b = Close.uniform(rng, k * n, -1, 1), c0 = Close.uniform(rng, m * n, -1, 1);
        try (GpuBuffer da = GpuBuffer.of(a); GpuBuffer db = GpuBuffer.of(b); GpuBuffer dc = new GpuBuffer(m * n)) {
            for (GemmKernels.Op op : GemmKernels.Op.values())
                for (boolean acc : new boolean[] {false, true}) {
                    float[] want = GpuKernelsTest.reference(ref, op, m, n, k, a, b, c0, acc);
                    dc.upload(c0, 0, m * n);
                    gemm.launch(op, da, db, dc, m, n, k, acc);
                    Close.assertClose(op + " naive" + (acc ? " +=" : ""), want, dc.download(m * n), 1e-5 * Math.sqrt(k), 1e-5);
                }
        }
    }

    // ---------------------------------------------------------------------------------- critic_min_simple.cu

    @ParameterizedTest(name = "E={0} B={1} N={2} S={3} A={4} H={5} L={6}")
    @CsvSource({"2,3,7,4,5,33,2", "3,2,5,11,1,17,1", "4,1,1,3,2,40,3", "2,5,20,17,6,256,2", "10,4,20,11,3,300,2"})
    void simpleCriticEqualsTwin(int e, int b, int n, int s, int a, int h, int l) {
        CriticWeights w = CriticWeights.random(rng, e, s, a, h, l);
        float[] states = Close.uniform(rng, b * s, -2, 2), actions = Close.uniform(rng, b * n * a, -1, 1);
        int rows = b * n;
        float[] want = new float[rows];
        CriticSearchTwin.forwardMin(w, states, actions, rows, n, want);
        try (var dw = new CriticSearchKernel.Weights(w); GpuBuffer dS = GpuBuffer.of(states); GpuBuffer dA = GpuBuffer.of(actions);
             GpuBuffer dOut = new GpuBuffer(rows)) {
            dOut.fill(rows, Float.NaN);
            new SimpleCriticKernel(cuda).forwardMin(dOut, dS, dA, rows, n, dw);
            Close.assertClose("critic_min_simple", want, dOut.download(rows), 1e-5, 1e-4);
        }
    }

    @Test
    void searchWithTheSimpleCriticEqualsTwinSearch() {
        int b = 5, s = 11, a = 3;
        CriticWeights w = CriticWeights.random(rng, 2, s, a, 64, 2);
        float[] states = Close.uniform(rng, b * s, -1, 1), x0 = Close.uniform(rng, b * a, -0.5f, 0.5f);
        SearchConfig cfg = new SearchConfig(20, 3, 1f, 2f, new float[] {-1, -1, -1}, new float[] {1, 1, 1});
        SearchResult want = new CemSearchTwin(w).search(states, b, x0, cfg, 77L);
        try (CudaSearch gpu = new CudaSearch(w)) {
            SearchResult got = gpu.criticKernel(new SimpleCriticKernel(cuda)).search(states, b, x0, cfg, 77L);
            Close.assertClose("search best Q", want.bestQ(), got.bestQ(), 1e-4, 1e-4);
            Close.assertClose("search best actions", want.bestActions(), got.bestActions(), 1e-4, 1e-4);
        }
    }

    // ----------------------------------------------------------------------------------------- elementwise.cu

    @Test
    void elementwiseKernelsEqualTwins() {
        ElementwiseKernels ew = new ElementwiseKernels(cuda);
        int rows = 37, n = 33, len = rows * n;
        float[] y = Close.uniform(rng, len, -1, 1), bias = Close.uniform(rng, n, -1, 1), dy = Close.uniform(rng, len, -1, 1);
        try (GpuBuffer dY = GpuBuffer.of(y); GpuBuffer dB = GpuBuffer.of(bias); GpuBuffer dDy = GpuBuffer.of(dy); GpuBuffer dX = new GpuBuffer(len);
             GpuBuffer dOut = new GpuBuffer(len)) {
            float[] want = y.clone();
            ElementwiseTwin.biasRelu(want, bias, rows, n, true);
            ew.biasRelu(dY, dB, rows, n, true);
            float[] relu = dY.download(len);
            Close.assertClose("bias_relu", want, relu, 0, 0);

            ElementwiseTwin.reluBackward(want, dy, relu, len);
            ew.reluBackward(dX, dDy, dY, len);
            Close.assertClose("relu_backward", want, dX.download(len), 0, 0);

            dY.upload(y, 0, len);
            ElementwiseTwin.tanhForward(want, y, len);
            ew.tanhForward(dOut, dY, len);
            float[] th = dOut.download(len);
            Close.assertClose("tanh_forward", want, th, 1e-6, 1e-6);
            ElementwiseTwin.tanhBackward(want, dy, th, len);
            ew.tanhBackward(dX, dDy, dOut, len);
            Close.assertClose("tanh_backward", want, dX.download(len), 1e-6, 1e-6);

            float[] sum = new float[n];
            ElementwiseTwin.sumRows(sum, y, rows, n);
            ew.sumRows(dOut, dY, rows, n);
            Close.assertClose("sum_rows", sum, dOut.download(n), 1e-6, 1e-6);

            float[] t = Close.uniform(rng, len, -1, 1);
            float[] tw = t.clone();
            ElementwiseTwin.polyak(tw, y, len, 0.005f);
            dOut.upload(t, 0, len);
            ew.polyak(dOut, dY, len, 0.005f);
            Close.assertClose("polyak_update", tw, dOut.download(len), 1e-7, 1e-6);

            float[] err = new float[len], grad = new float[len];
            ElementwiseTwin.squareError(err, grad, y, t, len, 1f / len);
            try (GpuBuffer dT = GpuBuffer.of(t); GpuBuffer dE = new GpuBuffer(len); GpuBuffer dG = new GpuBuffer(len)) {
                ew.squareError(dE, dG, dY, dT, len, 1f / len);
                Close.assertClose("square_error", err, dE.download(len), 0, 0);
                Close.assertClose("square_error grad", grad, dG.download(len), 0, 0);
            }

            float[] p = Close.uniform(rng, len, -1, 1), m = new float[len], v = new float[len];
            try (GpuBuffer dP = GpuBuffer.of(p); GpuBuffer dM = GpuBuffer.of(m); GpuBuffer dV = GpuBuffer.of(v)) {
                for (int step = 1; step <= 3; step++) {
                    float[] g = Close.uniform(rng, len, -1, 1);
                    ElementwiseTwin.adam(p, g, m, v, len, 1e-3f, 0.9f, 0.999f, 1e-8f, (float) (1 - Math.pow(0.9f, step)),
                            (float) Math.sqrt(1 - Math.pow(0.999f, step)));
                    dDy.upload(g, 0, len);
                    ew.adam(dP, dDy, dM, dV, len, 1e-3f, 0.9f, 0.999f, 1e-8f, step);
                }
                Close.assertClose("adam p", p, dP.download(len), 1e-6, 1e-5);
                Close.assertClose("adam m", m, dM.download(len), 1e-7, 1e-6);
                Close.assertClose("adam v", v, dV.download(len), 1e-8, 1e-6);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- ensemble_min.cu

    @Test
    void ensembleMinEqualsTwin() {
        EnsembleMinKernel k = new EnsembleMinKernel(cuda);
        for (int[] eb : new int[][] {{2, 1}, {6, 257}, {10, 1000}, {3, 7}}) {
            int e = eb[0], b = eb[1];
            float[] in = new float[e * b];
            for (int i = 0; i < in.length; i++) in[i] = rng.nextInt(7) - 3; // ties
            float[] out = new float[b];
            int[] arg = new int[b];
            EnsembleMinTwin.min(out, arg, in, e, b);
            try (GpuBuffer dIn = GpuBuffer.of(in); GpuBuffer dOut = new GpuBuffer(b); GpuBuffer dArg = new GpuBuffer(b)) {
                k.min(dOut, dArg, dIn, e, b);
                Close.assertClose("ensemble_min", out, dOut.download(b), 0, 0);
                assertArrayEquals(arg, dArg.downloadInts(b), "ensemble_min argmin");
            }
        }
    }
}

package forler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Vector API backend beyond plain correctness (see {@link GemmTest}): thread determinism, edge cases, errors. */
class VectorBackendTest {

    /** A C narrow enough to be computed transposed: 12 with AVX-512 (16 floats per vector), 6 with AVX2 (8). */
    static final int NARROW = Math.min(12, VectorBackend.NR / 4 - 2);

    /**
     * Shapes that go parallel, with row and column tails, several k blocks ({61, 70, 1000}), C computed transposed
     * (n = NARROW, two k blocks), the narrow path (n = NARROW and 1, one k block, 2000 = 166 groups of 12 + 8 rows),
     * B exactly one panel wide (n = NR: 16 with AVX2, 64 with AVX-512; 6000 rows, so that both split) and read in place.
     */
    static final int[][] PARALLEL_SHAPES = {{203, 100, 211}, {1031, 257, 33}, {61, 70, 1000}, {2000, NARROW, 400},
            {2000, NARROW, 300}, {2000, 1, 300}, {6000, VectorBackend.NR, 64}, {4, 300, 4000}, {3000, 300, 1}}; // the last two: split by column panels (4 rows), an outer product (k = 1)

    @Test
    void oneAndSeveralThreadsGiveIdenticalBits() {
        Rng rng = new Rng(5);
        for (int[] s : PARALLEL_SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            boolean narrow = VectorBackend.narrow(m, n, k), tr = !narrow && VectorBackend.transposes(m, n);
            assertEquals(n == NARROW && k > VectorBackend.KC_MAX, tr, "only the narrow shape in two k blocks is computed transposed");
            assertEquals(n <= NARROW && k <= VectorBackend.KC_MAX, narrow, "the narrow path takes the narrow shapes of one k block");
            // a transposed product is split over its n rows, which needs n >= 2·MR: true with AVX-512, never with AVX2
            if (narrow) assertTrue(VectorBackend.splits(m, VectorBackend.NR / VectorBackend.NRV, k, 2), "narrow " + m + "x" + n + "x" + k + " should use both threads");
            else if (!tr || n >= 2 * VectorBackend.MR)
                assertTrue(VectorBackend.splits(tr ? n : m, tr ? m : n, k, 2), "shape " + m + "x" + n + "x" + k + " should use both threads");
            float[] a = GemmTest.random(rng, m * k), b = GemmTest.random(rng, k * n), c0 = GemmTest.random(rng, m * n);
            for (GemmTest.Product p : GemmTest.Product.values())
                for (boolean acc : new boolean[] {false, true}) {
                    float[] c1 = c0.clone(), c2 = c0.clone(), c3 = c0.clone();
                    GemmTest.run(new VectorBackend(1), p, m, n, k, a, 0, b, 0, c1, 0, acc);
                    GemmTest.run(new VectorBackend(2), p, m, n, k, a, 0, b, 0, c2, 0, acc);
                    GemmTest.run(new VectorBackend(3), p, m, n, k, a, 0, b, 0, c3, 0, acc);
                    String what = p + " " + m + "x" + n + "x" + k + " acc=" + acc;
                    assertArrayEquals(c1, c2, 0f, what + ": 2 threads differ from 1");
                    assertArrayEquals(c1, c3, 0f, what + ": 3 threads differ from 1");
                }
        }
    }

    @Test
    void everyElementIsTheDocumentedFmaSequence() {
        // the class comment's contract, bit for bit, whatever path a shape takes (packed kernel, transposed, one row,
        // narrow: {2000, NARROW, 30}, {97, 6, 64} with one row past its groups of 12, {1000, 1, 64} a Q head's output;
        // multTransA with n = 1 as one row of Cᵀ: {64, 1, 256}, a Q head's dW)
        Rng rng = new Rng(13);
        int[][] shapes = {{1, 70, 700}, {300, 1, 650}, {1, 37, 5}, {9, 1, 3}, {203, 100, 211}, {61, 70, 1000}, {2000, NARROW, 30},
                {97, 6, 64}, {1000, 1, 64}, {47, 6, 64}, {4, 300, 4000}, {3000, 300, 1}, {64, 1, 256}, {23, 1, 256},

                {100, VectorBackend.NR, 400}, {1000, VectorBackend.NR, 64}}; // the last two: B NR wide, read in place
        for (int[] s : shapes)
            for (int threads : new int[] {1, 2}) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = GemmTest.random(rng, m * k), b = GemmTest.random(rng, k * n), c0 = GemmTest.random(rng, m * n);
                for (GemmTest.Product p : GemmTest.Product.values())
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] got = c0.clone(), want = c0.clone();
                        GemmTest.run(new VectorBackend(threads), p, m, n, k, a, 0, b, 0, got, 0, acc);
                        int kBlocks = (k + VectorBackend.KC_MAX - 1) / VectorBackend.KC_MAX, kc = (k + kBlocks - 1) / kBlocks;
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++) {
                                for (int pc = 0; pc < k; pc += kc) {
                                    float sum = 0f;
                                    for (int q = pc; q < Math.min(k, pc + kc); q++) {
                                        float x = p == GemmTest.Product.TRANS_A ? a[q * m + i] : a[i * k + q];
                                        float y = p == GemmTest.Product.TRANS_B ? b[j * k + q] : b[q * n + j];
                                        sum = Math.fma(x, y, sum);
                                    }
                                    want[i * n + j] = pc == 0 && !acc ? sum : want[i * n + j] + sum;
                                }
                                assertEquals(Float.floatToRawIntBits(want[i * n + j]), Float.floatToRawIntBits(got[i * n + j]),
                                        p + " " + m + "x" + n + "x" + k + " acc=" + acc + " " + threads + "T: C[" + i + "," + j + "]");
                            }
                    }
            }
    }

    @Test
    void repeatedCallsReuseWorkspacesWithoutStaleData() {
        // a large product then a small one on the same thread: the small one must not see the large one's panels
        Rng rng = new Rng(9);
        VectorBackend be = new VectorBackend(2);
        int[][] seq = {{300, 300, 300}, {7, 5, 3}, {40, 65, 9}, {300, 300, 300}, {2, 1, 1}};
        for (int[] s : seq) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = GemmTest.random(rng, m * k), b = GemmTest.random(rng, k * n);
            float[] c = new float[m * n], ref = new float[m * n];
            be.mult(m, n, k, a, 0, b, 0, c, 0, false);
            new NaiveBackend().mult(m, n, k, a, 0, b, 0, ref, 0, false);
            assertArrayEquals(ref, c, 2e-6f * k + 1e-5f, "mult " + m + "x" + n + "x" + k);
        }
    }

    @Test
    void zeroSizedProducts() {
        VectorBackend be = new VectorBackend(1);
        float[] c = {1, 2, 3, 4};
        be.mult(2, 2, 0, new float[0], 0, new float[0], 0, c, 0, true);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c, "k=0 with accumulate leaves C");
        be.mult(2, 2, 0, new float[0], 0, new float[0], 0, c, 0, false);
        assertArrayEquals(new float[4], c, "k=0 without accumulate zeroes C");
        be.multTransB(0, 3, 4, new float[0], 0, new float[12], 0, c, 0, false); // nothing to do, no error
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        VectorBackend be = new VectorBackend(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.mult(4, 4, 4, new float[15], 0, new float[16], 0, new float[16], 0, false));
        assertTrue(e.getMessage().contains("mult: m=4 n=4 k=4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VectorBackend(0));
    }

    @Test
    void backendsByNameHaveTheirNames() {
        for (String name : new String[] {"cpu", "ejml", "naive"}) assertEquals(name, Backends.byName(name).name());
        assertTrue(Backends.byName("cpu") instanceof VectorBackend, "cpu must be the Vector API backend");
        assertThrows(IllegalArgumentException.class, () -> Backends.byName("blas"));
    }

    /** The interface's scalar defaults. */
    private static final Backend REFERENCE = new Backend() {
        public String name() { return "reference"; }
        public void mult(int m, int nn, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
        public void multTransA(int m, int nn, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
        public void multTransB(int m, int nn, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
    };

    @Test
    void addBiasRowsEqualsTheScalarReferenceBitForBit() {
        Rng rng = new Rng(12);
        int[][] shapes = {{1, 1}, {3, 7}, {5, 16}, {4, 17}, {256, 64}, {2000, 65}}; // tails, whole vectors, split over threads
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], yOff = 3, bOff = 2;
            float[] y = GemmTest.random(rng, yOff + rows * cols), bias = GemmTest.random(rng, bOff + cols + 1);
            y[yOff] = -0f; bias[bOff] = 0f;                                        // -0 + 0 = +0, then max(+0, 0)
            if (cols > 2) { y[yOff + 1] = Float.NaN; y[yOff + 2] = -bias[bOff + 2]; } // NaN stays NaN; v − v = +0
            for (boolean relu : new boolean[] {false, true}) {
                float[] want = y.clone();
                REFERENCE.addBiasRows(rows, cols, want, yOff, bias, bOff, relu);
                for (int threads : new int[] {1, 2}) {
                    float[] got = y.clone();
                    new VectorBackend(threads).addBiasRows(rows, cols, got, yOff, bias, bOff, relu);
                    for (int i = 0; i < got.length; i++)
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                rows + "x" + cols + " relu " + relu + ", " + threads + " threads, i=" + i);
                }
            }
        }
    }

    /**
     * The epilogues (bias and ReLU as tiles are stored; ReLU's mask on a gradient) against the plain product followed
     * by the scalar pass, bit for bit: tiles with row and column tails, B read in place (few rows), products split
     * over threads, and the shapes that take the reference path (one row, a transposed narrow C, two k blocks).
     */
    @Test
    void fusedEpiloguesEqualTheProductThenThePassBitForBit() {
        Rng rng = new Rng(21);
        int[][] shapes = {{2, 3, 5}, {7, 70, 64}, {13, 64, 14}, {20, 64, 30}, {1000, 64, 64}, {1, 64, 64}, {300, 1, 64},
                {40, 64, 400}}; // m, n, k
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2], off = 3;
            float[] a = GemmTest.random(rng, off + m * k), b = GemmTest.random(rng, off + k * n);
            float[] bt = GemmTest.random(rng, off + n * k), bias = GemmTest.random(rng, off + n);
            float[] mask = GemmTest.random(rng, off + m * n), junk = GemmTest.random(rng, off + m * n);
            mask[off] = 0f;
            if (m * n > 2) { mask[off + 1] = -0f; mask[off + 2] = Float.NaN; }
            for (int threads : new int[] {1, 2}) {
                VectorBackend be = new VectorBackend(threads);
                String what = m + "x" + n + "x" + k + ", " + threads + " threads";
                for (boolean relu : new boolean[] {false, true}) {
                    float[] want = junk.clone(), got = junk.clone();
                    be.mult(m, n, k, a, off, b, off, want, off, false);
                    REFERENCE.addBiasRows(m, n, want, off, bias, off, relu);
                    be.multBias(m, n, k, a, off, b, off, got, off, bias, off, relu);
                    assertBits(want, got, what + " multBias relu " + relu);
                }
                float[] want = junk.clone(), got = junk.clone();
                be.multTransB(m, n, k, a, off, bt, off, want, off, false);
                for (int i = 0; i < m * n; i++) want[off + i] = mask[off + i] > 0f ? 0f + want[off + i] : 0f;
                be.multTransBMasked(m, n, k, a, off, bt, off, got, off, mask, off);
                assertBits(want, got, what + " multTransBMasked");
                float[] ref = junk.clone();
                REFERENCE.multTransBMasked(m, n, k, a, off, bt, off, ref, off, mask, off); // the interface's default:
                for (int i = 0; i < m * n; i++) // its multTransB writes nothing here, so only the mask rule is checked
                    assertEquals(mask[off + i] > 0f ? 0f + junk[off + i] : 0f, ref[off + i], 0f, what + " default rule");
            }
        }
        VectorBackend be = new VectorBackend(1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> be.multBias(4, 4, 4, new float[16], 0, new float[16], 0, new float[16], 0, new float[3], 0, true));
        assertTrue(e.getMessage().contains("multBias: bias[3]"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class,
                () -> be.multTransBMasked(4, 4, 4, new float[16], 0, new float[16], 0, new float[16], 0, new float[15], 0));
        assertTrue(f.getMessage().contains("multTransBMasked: mask[15]"), f.getMessage());
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ", i=" + i);
    }

    @Test
    void addWherePositiveEqualsTheScalarReferenceBitForBit() {
        Rng rng = new Rng(11);
        for (int n : new int[] {0, 1, 7, 8, 16, 17, 1000, 200_003}) { // the last is split over threads
            float[] x = GemmTest.random(rng, n), g = GemmTest.random(rng, n), gx = GemmTest.random(rng, n);
            if (n > 3) { x[0] = 0f; x[1] = -0f; x[2] = Float.NaN; gx[3] = -0f; }
            float[] want = gx.clone();
            REFERENCE.addWherePositive(n, x, g, want);
            for (int threads : new int[] {1, 2}) {
                float[] got = gx.clone();
                new VectorBackend(threads).addWherePositive(n, x, g, got);
                for (int i = 0; i < n; i++)
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), threads + " threads, n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void maskWherePositiveIsAddWherePositiveIntoZerosBitForBit() {
        Rng rng = new Rng(12);
        for (int n : new int[] {0, 1, 7, 8, 16, 17, 1000, 200_003}) { // the last is split over threads
            float[] x = GemmTest.random(rng, n), g = GemmTest.random(rng, n), garbage = GemmTest.random(rng, n);
            if (n > 4) { x[0] = 0f; x[1] = -0f; x[2] = Float.NaN; g[3] = -0f; x[3] = 1f; }
            float[] want = new float[n];
            REFERENCE.addWherePositive(n, x, g, want);
            for (Backend be : new Backend[] {REFERENCE, new VectorBackend(1), new VectorBackend(2)}) {
                float[] got = garbage.clone();
                be.maskWherePositive(n, x, g, got);
                for (int i = 0; i < n; i++)
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), be.threads() + " threads, n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void workKeptOnTheCallingThreadIsOneRange() {
        VectorBackend be = new VectorBackend(2);
        java.util.List<int[]> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        be.parallelFor(1 << 20, 1, (from, to) -> ranges.add(new int[] {from, to}));
        assertTrue(ranges.size() > 1, "a large loop is cut into ranges for the workers");
        ranges.clear();
        be.keepOnCallingThread(true);
        try {
            be.parallelFor(1 << 20, 1, (from, to) -> {
                ranges.add(new int[] {from, to});
                assertTrue(!Thread.currentThread().getName().startsWith("forler-gemm-"), "ran on a worker");
            });
        } finally {
            be.keepOnCallingThread(false);
        }
        assertEquals(1, ranges.size(), "kept: one range, on the caller");
        assertEquals(1 << 20, ranges.get(0)[1]);
    }

    @Test
    void parallelForVisitsEveryIndexOnceAndReportsFailures() {
        for (int threads : new int[] {1, 2, 3})
            for (int n : new int[] {0, 1, 2, 5, 1 << 16, 100_001}) {
                int[] seen = new int[n];
                new VectorBackend(threads).parallelFor(n, 1, (from, to) -> {
                    assertTrue(0 <= from && from <= to && to <= n, "range [" + from + ", " + to + ") of " + n);
                    for (int i = from; i < to; i++) seen[i]++;
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen[i], threads + " threads, n=" + n + ": index " + i);
            }
        RuntimeException e = assertThrows(RuntimeException.class, () -> new VectorBackend(2).parallelFor(1 << 20, 1,
                (from, to) -> { if (to == 1 << 20) throw new ArithmeticException("last range"); }));
        Throwable root = e.getCause() != null ? e.getCause() : e;
        assertEquals("last range", root.getMessage(), "the body's failure reaches the caller");
    }

    @Test
    void layersGiveTheSameBitsOnOneAndTwoThreads() {
        // [600, 256] activations: bias add and its gradient, ReLU and its gradient are all split over threads;
        // ensemble heads run in parallel, the shared input's gradient summed over heads in order
        Backend before = Backends.get();
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2}) {
                Backends.set(new VectorBackend(threads));
                Rng rng = new Rng(3);
                Tensor x = Tensor.of(GemmTest.random(rng, 600 * 40), 600, 40);
                Tensor w1 = Tensor.param(GemmTest.random(rng, 40 * 256), 40, 256);
                Tensor b1 = Tensor.param(GemmTest.random(rng, 256), 256);
                Tensor w2 = Tensor.param(GemmTest.random(rng, 256 * 3), 256, 3);
                Tape.backward(x.matmul(w1, b1).relu().matmul(w2).sum());
                // an ensemble of 4 heads (run in parallel on 2 threads) on a shared input, then per-head inputs
                Tensor xs = Tensor.param(GemmTest.random(rng, 300 * 40), 300, 40);
                Tensor we = Tensor.param(GemmTest.random(rng, 4 * 40 * 64), 4, 40, 64);
                Tensor be = Tensor.param(GemmTest.random(rng, 4 * 64), 4, 1, 64);
                Tensor we2 = Tensor.param(GemmTest.random(rng, 4 * 64 * 1), 4, 64, 1);
                Tape.backward(xs.ensembleMatmul(we, be).relu().ensembleMatmul(we2).sum());
                float[][] got = {w1.grad(), b1.grad(), w2.grad(), xs.grad(), we.grad(), be.grad(), we2.grad()};
                if (first == null) first = got;
                else for (int t = 0; t < got.length; t++) assertArrayEquals(first[t], got[t], 0f, "gradient " + t + " differs on 2 threads");
            }
        } finally {
            Backends.set(before);
        }
    }
}

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

    /** Shapes that go parallel, with row and column tails, several k blocks ({61, 70, 1000}), C computed transposed (n = NARROW). */
    static final int[][] PARALLEL_SHAPES = {{203, 100, 211}, {1031, 257, 33}, {61, 70, 1000}, {2000, NARROW, 300}};

    @Test
    void oneAndSeveralThreadsGiveIdenticalBits() {
        Rng rng = new Rng(5);
        for (int[] s : PARALLEL_SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            boolean tr = VectorBackend.transposes(m, n);
            assertEquals(n == NARROW, tr, "only the narrow shape is computed transposed");
            // a transposed product is split over its n rows, which needs n >= 2·MR: true with AVX-512, never with AVX2
            if (!tr || n >= 2 * VectorBackend.MR)
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

    @Test
    void addWherePositiveEqualsTheScalarReferenceBitForBit() {
        Rng rng = new Rng(11);
        for (int n : new int[] {0, 1, 7, 8, 16, 17, 1000}) {
            float[] x = GemmTest.random(rng, n), g = GemmTest.random(rng, n), gx = GemmTest.random(rng, n);
            if (n > 3) { x[0] = 0f; x[1] = -0f; x[2] = Float.NaN; gx[3] = -0f; }
            float[] want = gx.clone(), got = gx.clone();
            new Backend() { // the interface's scalar default
                public String name() { return "reference"; }
                public void mult(int m, int nn, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
                public void multTransA(int m, int nn, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
                public void multTransB(int m, int nn, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
            }.addWherePositive(n, x, g, want);
            new VectorBackend(1).addWherePositive(n, x, g, got);
            for (int i = 0; i < n; i++)
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "n=" + n + " i=" + i);
        }
    }
}

package forler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend's three products against {@link NaiveBackend} (double accumulation), compared with
 * {@code atol + rtol·|ref|}, on odd shapes, at non-zero offsets, overwriting and accumulating. Values outside
 * the output window must stay untouched.
 */
class GemmTest {
    enum Product { MULT, TRANS_A, TRANS_B }

    /** Shapes that hit the tails: 1, below/above one vector, below/above MR and NR, several k blocks, several row chunks, empty. */
    static final int[][] SHAPES = {
            {1, 1, 1}, {1, 3, 17}, {3, 1, 5}, {5, 7, 3}, {6, 64, 1}, {7, 65, 33}, {17, 33, 257}, {23, 256, 4},
            {24, 17, 23}, {33, 1, 100}, {64, 64, 64}, {65, 129, 31}, {100, 6, 700}, {257, 63, 17}, {203, 100, 111},
            {400, 70, 260}, {4, 5, 0}, {0, 3, 2}, {3, 0, 2},
            {1, 70, 700}, {300, 1, 650}, {1, 200, 3}, // one row or one column of C: the vector-matrix path
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        Backend[] backends = {new VectorBackend(1), new VectorBackend(2), new EjmlBackend()};
        for (Backend be : backends)
            for (Product p : Product.values())
                for (int[] s : SHAPES)
                    for (boolean acc : new boolean[] {false, true})
                        out.add(Arguments.of(be.name() + (be instanceof VectorBackend v ? "/" + v.threads() + "T" : ""), be, p, s[0], s[1], s[2], acc));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2} m={3} n={4} k={5} acc={6}")
    @MethodSource("cases")
    void matchesNaive(String label, Backend be, Product p, int m, int n, int k, boolean acc) {
        Rng rng = new Rng(31L * m + 7L * n + k + (acc ? 1 : 0));
        int aOff = 3, bOff = 5, cOff = 7, pad = 11;
        float[] a = random(rng, aOff + m * k + pad), b = random(rng, bOff + k * n + pad);
        float[] c = random(rng, cOff + m * n + pad);
        float[] ref = c.clone();
        run(new NaiveBackend(), p, m, n, k, a, aOff, b, bOff, ref, cOff, acc);
        run(be, p, m, n, k, a, aOff, b, bOff, c, cOff, acc);
        double atol = 2e-6 * k + 1e-6, rtol = 1e-5;
        for (int i = 0; i < c.length; i++) {
            boolean inside = i >= cOff && i < cOff + m * n;
            if (!inside) {
                assertEquals(ref[i], c[i], 0f, label + ": wrote outside C at index " + i);
            } else if (!(Math.abs(c[i] - ref[i]) <= atol + rtol * Math.abs(ref[i]))) {
                int e = i - cOff;
                fail(label + " " + p + " m=" + m + " n=" + n + " k=" + k + " acc=" + acc + ": C[" + e / n + "," + e % n
                        + "] = " + c[i] + ", reference " + ref[i]);
            }
        }
    }

    static void run(Backend be, Product p, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                    float[] c, int cOff, boolean acc) {
        switch (p) {
            case MULT -> be.mult(m, n, k, a, aOff, b, bOff, c, cOff, acc);
            case TRANS_A -> be.multTransA(m, n, k, a, aOff, b, bOff, c, cOff, acc);
            case TRANS_B -> be.multTransB(m, n, k, a, aOff, b, bOff, c, cOff, acc);
        }
    }

    static float[] random(Rng rng, int size) {
        float[] x = new float[size];
        rng.fillUniform(x, -1f, 1f);
        return x;
    }
}

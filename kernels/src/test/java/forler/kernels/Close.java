package forler.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import forler.engine.Rng;

/** Test helpers: llm.c's comparison |got − ref| <= atol + rtol·|ref|, and random arrays. */
public final class Close {
    private Close() {}

    public static void assertClose(String what, float[] ref, float[] got, double atol, double rtol) {
        assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            double tol = atol + rtol * Math.abs(ref[i]);
            if (!(Math.abs((double) got[i] - ref[i]) <= tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + ref[i] + " (tolerance " + tol + ")");
            }
        }
    }

    public static float[] uniform(Rng rng, int n, float lo, float hi) {
        float[] x = new float[n];
        rng.fillUniform(x, lo, hi);
        return x;
    }
}

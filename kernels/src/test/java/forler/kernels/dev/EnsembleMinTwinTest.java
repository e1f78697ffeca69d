package forler.kernels.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import forler.kernels.Close;
import forler.engine.Rng;
import forler.engine.Tensor;
import org.junit.jupiter.api.Test;

class EnsembleMinTwinTest {
    @Test
    void equalsTensorMinOverHeadsWithLowestHeadOnTies() {
        int e = 6, b = 37;
        Rng rng = new Rng(2);
        float[] in = new float[e * b]; // [E, B], values on a coarse grid so ties occur
        for (int i = 0; i < in.length; i++) in[i] = rng.nextInt(5);
        float[] out = new float[b];
        int[] arg = new int[b];
        EnsembleMinTwin.min(out, arg, in, e, b);
        Close.assertClose("min", Tensor.of(in, e, b).min(0, false).data, out, 0, 0);
        int ties = 0;
        for (int j = 0; j < b; j++) {
            int first = -1, count = 0;
            for (int h = 0; h < e; h++) if (in[h * b + j] == out[j]) { if (first < 0) first = h; count++; }
            assertEquals(first, arg[j], "argmin of column " + j);
            if (count > 1) ties++;
        }
        assertEquals(true, ties > 0, "the data should contain ties");
    }
}

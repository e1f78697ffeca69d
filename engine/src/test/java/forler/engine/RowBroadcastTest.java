package forler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The bias-shaped fast path of add / sub / mul (a[P, R, C] op b[P, 1, C], or b[C] over a[R, C]) against plain loops:
 * values and both gradients, bit for bit, as the general broadcast path computes them.
 */
class RowBroadcastTest {
    @Test
    void shapesThatTakeTheFastPath() {
        assertArrayEquals(new int[] {1, 5, 3}, Shapes.rowBroadcast(new int[] {3}, new int[] {5, 3}));
        assertArrayEquals(new int[] {2, 5, 3}, Shapes.rowBroadcast(new int[] {2, 1, 3}, new int[] {2, 5, 3}));
        assertArrayEquals(new int[] {1, 5, 3}, Shapes.rowBroadcast(new int[] {1, 3}, new int[] {5, 3}));
        assertNull(Shapes.rowBroadcast(new int[] {1, 1, 3}, new int[] {2, 5, 3}), "broadcast over a leading dim too");
        assertNull(Shapes.rowBroadcast(new int[] {5, 1}, new int[] {5, 3}), "a column, not a row");
        assertNull(Shapes.rowBroadcast(new int[] {5, 3}, new int[] {5, 3}), "no broadcast");
    }

    @Test
    void valuesAndGradientsMatchPlainLoops() {
        int P = 2, R = 5, C = 3;
        Rng rng = new Rng(7);
        for (int kind = 0; kind < 3; kind++) {
            Tensor a = Tensor.param(Tensor.randn(rng, P, R, C).data, P, R, C), b = Tensor.param(Tensor.randn(rng, P, 1, C).data, P, 1, C);
            Tensor w = Tensor.randn(rng, P, R, C);
            Tensor y = kind == 0 ? a.add(b) : kind == 1 ? a.sub(b) : a.mul(b);
            Tape.backward(y.mul(w).sum());
            float[] ga = new float[P * R * C], gb = new float[P * C];
            for (int p = 0; p < P; p++)
                for (int r = 0; r < R; r++)
                    for (int c = 0; c < C; c++) {
                        int o = (p * R + r) * C + c, bi = p * C + c;
                        float u = a.data[o], v = b.data[bi], g = w.data[o];
                        float want = kind == 0 ? u + v : kind == 1 ? u - v : u * v;
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(y.data[o]), "kind " + kind + " y[" + o + "]");
                        ga[o] += kind == 2 ? g * v : g;
                        gb[bi] += kind == 0 ? g : kind == 1 ? -g : g * u;
                    }
            assertArrayEquals(ga, a.grad(), 0f, "kind " + kind + " da");
            assertArrayEquals(gb, b.grad(), 0f, "kind " + kind + " db");
        }
    }
}

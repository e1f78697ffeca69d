package forler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * matmul(w, bias) and ensembleMatmul(w, bias), the one-op Linear layers, against the two-op form matmul(w).add(bias):
 * the same output and the same gradients of x, w and bias, bit for bit, on each backend.
 */
class FusedLinearTest extends OnEachBackend {
    @Test
    void linearMatchesMatmulThenAdd() {
        for (int[] s : new int[][] {{7, 5, 3}, {300, 37, 20}, {2, 1, 1}}) { // rows, in, out
            Rng rng = new Rng(11);
            float[] x = Tensor.randn(rng, s[0], s[1]).data, w = Tensor.randn(rng, s[1], s[2]).data;
            float[] b = Tensor.randn(rng, s[2]).data, up = Tensor.randn(rng, s[0], s[2]).data;
            Tensor[] fused = {Tensor.param(x.clone(), s[0], s[1]), Tensor.param(w.clone(), s[1], s[2]), Tensor.param(b.clone(), s[2])};
            Tensor[] plain = {Tensor.param(x.clone(), s[0], s[1]), Tensor.param(w.clone(), s[1], s[2]), Tensor.param(b.clone(), s[2])};
            Tensor yf = fused[0].matmul(fused[1], fused[2]); // each graph backward on its own: backward clears the tape
            Tape.backward(yf.mul(Tensor.of(up, s[0], s[2])).sum());
            Tensor yp = plain[0].matmul(plain[1]).add(plain[2]);
            Tape.backward(yp.mul(Tensor.of(up, s[0], s[2])).sum());
            assertSame(backend + " y", yp, yf);
            for (int i = 0; i < 3; i++) assertArrayEquals(plain[i].grad(), fused[i].grad(), 0f, backend + " grad " + i);
        }
    }

    @Test
    void ensembleLinearMatchesEnsembleMatmulThenAdd() {
        for (boolean shared : new boolean[] {true, false}) {
            int e = 3, rows = 40, in = 9, out = 17;
            Rng rng = new Rng(5);
            float[] x = shared ? Tensor.randn(rng, rows, in).data : Tensor.randn(rng, e, rows, in).data;
            float[] w = Tensor.randn(rng, e, in, out).data, b = Tensor.randn(rng, e, 1, out).data;
            float[] up = Tensor.randn(rng, e, rows, out).data;
            int[] xs = shared ? new int[] {rows, in} : new int[] {e, rows, in};
            Tensor[] fused = {Tensor.param(x.clone(), xs), Tensor.param(w.clone(), e, in, out), Tensor.param(b.clone(), e, 1, out)};
            Tensor[] plain = {Tensor.param(x.clone(), xs), Tensor.param(w.clone(), e, in, out), Tensor.param(b.clone(), e, 1, out)};
            Tensor yf = fused[0].ensembleMatmul(fused[1], fused[2]);
            Tape.backward(yf.mul(Tensor.of(up, e, rows, out)).sum());
            Tensor yp = plain[0].ensembleMatmul(plain[1]).add(plain[2]);
            Tape.backward(yp.mul(Tensor.of(up, e, rows, out)).sum());
            assertSame(backend + " shared " + shared + " y", yp, yf);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(plain[i].grad(), fused[i].grad(), 0f, backend + " shared " + shared + " grad " + i);
            }
        }
    }

    @Test
    void linearReluMatchesLinearThenRelu() {
        for (int[] s : new int[][] {{7, 5, 3}, {300, 37, 20}, {2, 1, 1}}) { // rows, in, out
            for (boolean ensemble : new boolean[] {false, true}) {
                Rng rng = new Rng(13);
                int e = ensemble ? 3 : 1;
                int[] xs = {s[0], s[1]}, ws = ensemble ? new int[] {e, s[1], s[2]} : new int[] {s[1], s[2]};
                int[] bs = ensemble ? new int[] {e, 1, s[2]} : new int[] {s[2]}, ys = ensemble ? new int[] {e, s[0], s[2]} : new int[] {s[0], s[2]};
                float[] x = Tensor.randn(rng, xs).data, w = Tensor.randn(rng, ws).data, b = Tensor.randn(rng, bs).data;
                float[] up = Tensor.randn(rng, ys).data;
                Tensor[] fused = {Tensor.param(x.clone(), xs), Tensor.param(w.clone(), ws), Tensor.param(b.clone(), bs)};
                Tensor[] plain = {Tensor.param(x.clone(), xs), Tensor.param(w.clone(), ws), Tensor.param(b.clone(), bs)};
                Tensor yf = ensemble ? fused[0].ensembleMatmulRelu(fused[1], fused[2]) : fused[0].matmulRelu(fused[1], fused[2]);
                Tape.backward(yf.mul(Tensor.of(up, ys)).sum());
                Tensor yp = (ensemble ? plain[0].ensembleMatmul(plain[1], plain[2]) : plain[0].matmul(plain[1], plain[2])).relu();
                Tape.backward(yp.mul(Tensor.of(up, ys)).sum());
                String what = backend + (ensemble ? " ensemble " : " ") + java.util.Arrays.toString(s);
                assertSame(what + " y", yp, yf);
                boolean someZero = false;
                for (float v : yf.data) someZero |= v == 0f;
                assertTrue(someZero || s[0] * s[2] < 4, what + ": the ReLU cut nothing, the test would not see its mask");
                for (int i = 0; i < 3; i++) assertArrayEquals(plain[i].grad(), fused[i].grad(), 0f, what + " grad " + i);
            }
        }
    }

    /**
     * A stack of Linear+ReLU layers, where each layer's dx applies the previous layer's ReLU mask as it is stored,
     * against the same stack built from matmul(w, b).relu(): same gradients bit for bit. One hidden output also feeds
     * a second consumer (its sum, added after the fused dx), so the producer must mask the sum itself; shared and
     * per-head (ensemble) stacks, shapes large enough for the vector path's tiles and tails.
     */
    @Test
    void stackedLinearReluMatchesLinearThenReluWithAMaskedDx() {
        for (boolean ensemble : new boolean[] {false, true}) {
            for (boolean secondConsumer : new boolean[] {false, true}) {
                int e = ensemble ? 2 : 1, rows = 301, in = 23, hid = 70;
                Rng rng = new Rng(17);
                int[] xs = {rows, in};
                int[][] ws = ensemble ? new int[][] {{e, in, hid}, {e, hid, hid}, {e, hid, 1}} : new int[][] {{in, hid}, {hid, hid}, {hid, 1}};
                int[][] bs = ensemble ? new int[][] {{e, 1, hid}, {e, 1, hid}, {e, 1, 1}} : new int[][] {{hid}, {hid}, {1}};
                float[] x = Tensor.randn(rng, xs).data;
                float[][] w = new float[3][], b = new float[3][];
                for (int l = 0; l < 3; l++) { w[l] = Tensor.randn(rng, ws[l]).data; b[l] = Tensor.randn(rng, bs[l]).data; }
                float[][][] grads = new float[2][][];
                for (int fused = 0; fused < 2; fused++) {
                    Tensor xt = Tensor.param(x.clone(), xs), h = xt, side = null;
                    Tensor[] p = new Tensor[6];
                    for (int l = 0; l < 3; l++) {
                        p[2 * l] = Tensor.param(w[l].clone(), ws[l]);
                        p[2 * l + 1] = Tensor.param(b[l].clone(), bs[l]);
                        Tensor wl = p[2 * l], bl = p[2 * l + 1];
                        if (l == 2) h = ensemble ? h.ensembleMatmul(wl, bl) : h.matmul(wl, bl);
                        else if (fused == 1) h = ensemble ? h.ensembleMatmulRelu(wl, bl) : h.matmulRelu(wl, bl);
                        else h = (ensemble ? h.ensembleMatmul(wl, bl) : h.matmul(wl, bl)).relu();
                        if (l == 0 && secondConsumer) side = h.sum(); // recorded before the next layer: runs after its dx
                    }
                    Tensor loss = h.square().sum();
                    if (side != null) loss = side.scale(0.25f).add(loss);
                    Tape.backward(loss);
                    grads[fused] = new float[7][];
                    for (int i = 0; i < 6; i++) grads[fused][i] = p[i].grad();
                    grads[fused][6] = xt.grad();
                }
                String what = backend + (ensemble ? " ensemble" : "") + (secondConsumer ? " second consumer" : "");
                for (int i = 0; i < 7; i++) {
                    for (int j = 0; j < grads[0][i].length; j++) {
                        if (Float.floatToRawIntBits(grads[0][i][j]) != Float.floatToRawIntBits(grads[1][i][j]))
                            throw new AssertionError(what + " grad " + i + "[" + j + "]: " + grads[1][i][j] + ", want " + grads[0][i][j]);
                    }
                }
            }
        }
    }

    @Test
    void wrongBiasShapeIsRejectedWithTheExpectedShape() {
        Tensor x = Tensor.zeros(4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> x.matmul(Tensor.zeros(3, 2), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("must be [2]"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> x.ensembleMatmul(Tensor.zeros(2, 3, 5), Tensor.zeros(2, 5)));
        assertTrue(f.getMessage().contains("must be [2, 1, 5]"), f.getMessage());
    }

    private static void assertSame(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.shape, got.shape, what + " shape");
        for (int i = 0; i < want.data.length; i++) {
            if (Float.floatToRawIntBits(want.data[i]) != Float.floatToRawIntBits(got.data[i])) {
                throw new AssertionError(what + "[" + i + "]: " + got.data[i] + ", want " + want.data[i]);
            }
        }
    }
}

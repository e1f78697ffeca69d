package forler.kernels.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import forler.kernels.Close;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The elementwise twins against the engine's autodiff and plain double-precision recomputation. */
class ElementwiseTwinTest {
    private final Rng rng = new Rng(17);

    @Test
    void biasReluEqualsTensorAddRelu() {
        int rows = 5, n = 33;
        float[] y = Close.uniform(rng, rows * n, -1, 1), bias = Close.uniform(rng, n, -1, 1);
        Tensor ref = Tensor.of(y.clone(), rows, n).add(Tensor.of(bias, n));
        float[] plain = y.clone();
        ElementwiseTwin.biasRelu(plain, bias, rows, n, false);
        Close.assertClose("bias add", ref.data, plain, 0, 0);
        ElementwiseTwin.biasRelu(y, bias, rows, n, true);
        Close.assertClose("bias add + relu", ref.relu().data, y, 0, 0);
    }

    @Test
    void reluAndTanhBackwardEqualAutodiff() {
        int n = 101;
        float[] dy = Close.uniform(rng, n, -1, 1);
        for (boolean tanh : new boolean[] {false, true}) {
            Tensor x = Tensor.param(Close.uniform(rng, n, -2, 2), n);
            Tensor y = tanh ? x.tanh() : x.relu();
            Tape.backward(y.mul(Tensor.of(dy, n)).sum());
            float[] dx = new float[n], yy = new float[n];
            if (tanh) {
                ElementwiseTwin.tanhForward(yy, x.data, n);
                Close.assertClose("tanh", y.data, yy, 0, 0);
                ElementwiseTwin.tanhBackward(dx, dy, yy, n);
            } else {
                ElementwiseTwin.reluBackward(dx, dy, y.data, n);
            }
            Close.assertClose(tanh ? "tanh backward" : "relu backward", x.grad(), dx, 1e-7, 1e-6);
            Tape.clear();
        }
    }

    @Test
    void adamEqualsTorchFormulaInDouble() {
        int n = 13;
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        float[] p = Close.uniform(rng, n, -1, 1), m = new float[n], v = new float[n];
        double[] pd = new double[n], md = new double[n], vd = new double[n];
        for (int i = 0; i < n; i++) pd[i] = p[i];
        for (int t = 1; t <= 5; t++) {
            float[] g = Close.uniform(rng, n, -1, 1);
            ElementwiseTwin.adam(p, g, m, v, n, lr, b1, b2, eps, (float) (1 - Math.pow(b1, t)), (float) Math.sqrt(1 - Math.pow(b2, t)));
            for (int i = 0; i < n; i++) {
                md[i] = b1 * md[i] + (1 - b1) * g[i];
                vd[i] = b2 * vd[i] + (1 - b2) * g[i] * g[i];
                double mh = md[i] / (1 - Math.pow(b1, t)), vh = vd[i] / (1 - Math.pow(b2, t));
                pd[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        for (int i = 0; i < n; i++) assertEquals(pd[i], p[i], 1e-6, "Adam parameter " + i);
    }

    @Test
    void polyakSquareErrorAndSumRows() {
        int rows = 19, n = 7;
        float[] t = Close.uniform(rng, n, -1, 1), s = Close.uniform(rng, n, -1, 1), t0 = t.clone();
        ElementwiseTwin.polyak(t, s, n, 0.005f);
        for (int i = 0; i < n; i++) assertEquals(0.995 * t0[i] + 0.005 * s[i], t[i], 1e-6);

        float[] pred = Close.uniform(rng, n, -1, 1), target = Close.uniform(rng, n, -1, 1), err = new float[n], grad = new float[n];
        ElementwiseTwin.squareError(err, grad, pred, target, n, 1f / n);
        Tensor pt = Tensor.param(pred.clone(), n);
        Tensor loss = pt.sub(Tensor.of(target, n)).square();
        Close.assertClose("square error", loss.data, err, 1e-7, 1e-6);
        Tape.backward(loss.mean());
        Close.assertClose("square error gradient", pt.grad(), grad, 1e-7, 1e-5);
        Tape.clear();

        float[] x = Close.uniform(rng, rows * n, -1, 1), out = new float[n];
        ElementwiseTwin.sumRows(out, x, rows, n);
        Close.assertClose("sum over rows", Tensor.of(x, rows, n).sum(0, false).data, out, 1e-6, 1e-5);
    }
}

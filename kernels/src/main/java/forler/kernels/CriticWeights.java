package forler.kernels;

import forler.engine.Rng;
import forler.engine.Tensor;
import java.util.List;

/**
 * An E-head critic MLP Q_e(s, a) = out_e(relu(... relu([s, a]·W0_e + b0_e) ...)) in the packed layout the search
 * kernels read (heads stacked, as {@code EnsembleLinear} stores them):
 *
 * @param heads     E, the number of heads (2 on a device, 2K on the server)
 * @param stateDim  S
 * @param actionDim A
 * @param hidden    H, the width of every hidden layer
 * @param layers    L >= 1, the number of hidden layers (docs/design.md §Networks and defaults: 2, or 3 for MuJoCo-size tasks)
 * @param w0        [E, S+A, H] first layer weights
 * @param b0        [E, H]
 * @param wMid      [L-1, E, H, H] hidden-to-hidden weights (empty when L = 1)
 * @param bMid      [L-1, E, H]
 * @param wOut      [E, H] (= [E, H, 1]) output weights
 * @param bOut      [E]
 */
public record CriticWeights(int heads, int stateDim, int actionDim, int hidden, int layers,
                            float[] w0, float[] b0, float[] wMid, float[] bMid, float[] wOut, float[] bOut) {

    public CriticWeights {
        if (heads < 1 || stateDim < 1 || actionDim < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException("critic dims must be positive: heads=" + heads + " stateDim=" + stateDim
                    + " actionDim=" + actionDim + " hidden=" + hidden + " layers=" + layers);
        }
        int in = stateDim + actionDim;
        check("w0", w0, (long) heads * in * hidden);
        check("b0", b0, (long) heads * hidden);
        check("wMid", wMid, (long) (layers - 1) * heads * hidden * hidden);
        check("bMid", bMid, (long) (layers - 1) * heads * hidden);
        check("wOut", wOut, (long) heads * hidden);
        check("bOut", bOut, heads);
    }

    /** S + A, the width of a (state, action) row. */
    public int inputDim() { return stateDim + actionDim; }

    /** Random weights with PyTorch's {@code nn.Linear} bias range U(±1/√fan_in), for weights and biases alike. */
    public static CriticWeights random(Rng rng, int heads, int stateDim, int actionDim, int hidden, int layers) {
        int in = stateDim + actionDim;
        float[] w0 = uniform(rng, heads * in * hidden, in), b0 = uniform(rng, heads * hidden, in);
        float[] wMid = uniform(rng, (layers - 1) * heads * hidden * hidden, hidden);
        float[] bMid = uniform(rng, (layers - 1) * heads * hidden, hidden);
        float[] wOut = uniform(rng, heads * hidden, hidden), bOut = uniform(rng, heads, hidden);
        return new CriticWeights(heads, stateDim, actionDim, hidden, layers, w0, b0, wMid, bMid, wOut, bOut);
    }

    /**
     * From an ensemble critic's layers: {@code weights.get(l)} is [E, in_l, out_l] (in_0 = S+A, out_last = 1) and
     * {@code biases.get(l)} holds E·out_l values ([E, out_l] or [E, 1, out_l]).
     */
    public static CriticWeights fromTensors(int stateDim, List<Tensor> weights, List<Tensor> biases) {
        if (weights.size() < 2 || weights.size() != biases.size()) {
            throw new IllegalArgumentException("a critic needs at least 2 layers and one bias per layer; got "
                    + weights.size() + " weights and " + biases.size() + " biases");
        }
        Tensor first = weights.get(0);
        if (first.rank() != 3) throw new IllegalArgumentException("critic weights must be [E, in, out]; layer 0 is "
                + java.util.Arrays.toString(first.shape));
        int e = first.shape[0], h = first.shape[2], a = first.shape[1] - stateDim, layers = weights.size() - 1;
        float[] wMid = new float[(layers - 1) * e * h * h], bMid = new float[(layers - 1) * e * h];
        for (int l = 1; l < layers; l++) {
            expect(weights.get(l), "weights[" + l + "]", e, h, h);
            System.arraycopy(weights.get(l).data, 0, wMid, (l - 1) * e * h * h, e * h * h);
            expectSize(biases.get(l), "biases[" + l + "]", e * h);
            System.arraycopy(biases.get(l).data, 0, bMid, (l - 1) * e * h, e * h);
        }
        expect(weights.get(layers), "weights[" + layers + "]", e, h, 1);
        expectSize(biases.get(0), "biases[0]", e * h);
        expectSize(biases.get(layers), "biases[" + layers + "]", e);
        return new CriticWeights(e, stateDim, a, h, layers, first.data.clone(), biases.get(0).data.clone(), wMid, bMid,
                weights.get(layers).data.clone(), biases.get(layers).data.clone());
    }

    private static float[] uniform(Rng rng, int n, int fanIn) {
        float[] x = new float[n];
        float bound = (float) (1 / Math.sqrt(fanIn));
        rng.fillUniform(x, -bound, bound);
        return x;
    }

    private static void check(String name, float[] x, long expected) {
        if (x == null || x.length != expected) {
            throw new IllegalArgumentException("critic " + name + " must hold " + expected + " floats, has "
                    + (x == null ? "null" : x.length));
        }
    }

    private static void expect(Tensor t, String name, int e, int in, int out) {
        if (t.rank() != 3 || t.shape[0] != e || t.shape[1] != in || t.shape[2] != out) {
            throw new IllegalArgumentException("critic " + name + " must be [" + e + ", " + in + ", " + out + "], is "
                    + java.util.Arrays.toString(t.shape));
        }
    }

    private static void expectSize(Tensor t, String name, int n) {
        if (t.size() != n) throw new IllegalArgumentException("critic " + name + " must hold " + n + " values, has " + t.size());
    }
}

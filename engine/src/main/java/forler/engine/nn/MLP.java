package forler.engine.nn;

import forler.engine.Rng;
import forler.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Linear layers with ReLU between them: sizes {in, h1, ..., out}. */
public final class MLP implements Module {
    public final Linear[] layers;
    private final boolean reluLast;

    /**
     * @param sizes    layer widths, input first
     * @param reluLast apply ReLU after the last layer too (for trunks feeding further heads)
     */
    public MLP(int[] sizes, boolean reluLast, Rng rng) {
        if (sizes.length < 2) throw new IllegalArgumentException("MLP needs at least {in, out}, got " + java.util.Arrays.toString(sizes));
        layers = new Linear[sizes.length - 1];
        for (int i = 0; i < layers.length; i++) layers[i] = new Linear(sizes[i], sizes[i + 1], rng);
        this.reluLast = reluLast;
    }

    /** {in, hidden × depth, out}. */
    public static int[] sizes(int in, int hidden, int depth, int out) {
        int[] s = new int[depth + 2];
        s[0] = in;
        for (int i = 1; i <= depth; i++) s[i] = hidden;
        s[depth + 1] = out;
        return s;
    }

    /** x[..., in] → [..., out]. */
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.length; i++) {
            x = i < layers.length - 1 || reluLast ? layers[i].forwardRelu(x) : layers[i].forward(x);
        }
        return x;
    }

    @Override
    public Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) p.putAll(Modules.named(i + ".", layers[i]));
        return p;
    }
}

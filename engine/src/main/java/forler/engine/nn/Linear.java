package forler.engine.nn;

import forler.engine.Rng;
import forler.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * y = x·W + b with W stored [in, out] (PyTorch stores the transpose, [out, in]).
 * Initialised as torch.nn.Linear: kaiming-uniform(a=√5) for W, which is U(±1/√in), and U(±1/√in) for b.
 */
public final class Linear implements Module {
    public final Tensor weight; // [in, out]
    public final Tensor bias;   // [out]

    public Linear(int in, int out, Rng rng) {
        float bound = (float) (1.0 / Math.sqrt(in));
        weight = Tensor.param(uniform(rng, in * out, bound), in, out);
        bias = Tensor.param(uniform(rng, out, bound), out);
    }

    static float[] uniform(Rng rng, int n, float bound) {
        float[] w = new float[n];
        rng.fillUniform(w, -bound, bound);
        return w;
    }

    /** x[..., in] → [..., out]. */
    public Tensor forward(Tensor x) { return x.matmul(weight, bias); }

    /** relu(x·W + b) as one op ({@link Tensor#matmulRelu}). */
    public Tensor forwardRelu(Tensor x) { return x.matmulRelu(weight, bias); }

    public int in() { return weight.shape[0]; }

    public int out() { return weight.shape[1]; }

    @Override
    public Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("weight", weight);
        p.put("bias", bias);
        return p;
    }
}

package forler.engine.nn;

import forler.engine.Rng;
import forler.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * E independent linear heads stored as one weight [E, in, out] and bias [E, 1, out], applied in one
 * batched product (SAC-N / EDAC's vectorised linear). Each head is initialised as a torch.nn.Linear(in, out).
 */
public final class EnsembleLinear implements Module {
    public final Tensor weight; // [E, in, out]
    public final Tensor bias;   // [E, 1, out]

    public EnsembleLinear(int heads, int in, int out, Rng rng) {
        float bound = (float) (1.0 / Math.sqrt(in));
        weight = Tensor.param(Linear.uniform(rng, heads * in * out, bound), heads, in, out);
        bias = Tensor.param(Linear.uniform(rng, heads * out, bound), heads, 1, out);
    }

    /** Wraps existing parameter tensors (used when stacking devices' heads into one ensemble). */
    public EnsembleLinear(Tensor weight, Tensor bias) {
        if (weight.rank() != 3 || bias.rank() != 3 || bias.shape[0] != weight.shape[0] || bias.shape[1] != 1
                || bias.shape[2] != weight.shape[2]) {
            throw new IllegalArgumentException("EnsembleLinear: weight " + java.util.Arrays.toString(weight.shape)
                    + " and bias " + java.util.Arrays.toString(bias.shape) + " must be [E, in, out] and [E, 1, out]");
        }
        this.weight = weight;
        this.bias = bias;
    }

    /** x[E, B, in] or shared x[B, in] → [E, B, out]. */
    public Tensor forward(Tensor x) { return x.ensembleMatmul(weight, bias); }

    /** relu of {@link #forward} as one op ({@link Tensor#ensembleMatmulRelu}). */
    public Tensor forwardRelu(Tensor x) { return x.ensembleMatmulRelu(weight, bias); }

    public int heads() { return weight.shape[0]; }

    public int in() { return weight.shape[1]; }

    public int out() { return weight.shape[2]; }

    @Override
    public Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("weight", weight);
        p.put("bias", bias);
        return p;
    }
}

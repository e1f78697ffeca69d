package forler.engine.nn;

import forler.engine.Rng;
import forler.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** E independent MLPs evaluated together: EnsembleLinear layers with ReLU between them. */
public final class EnsembleMLP implements Module {
    public final EnsembleLinear[] layers;

    public EnsembleMLP(int heads, int[] sizes, Rng rng) {
        if (sizes.length < 2) throw new IllegalArgumentException("EnsembleMLP needs at least {in, out}");
        layers = new EnsembleLinear[sizes.length - 1];
        for (int i = 0; i < layers.length; i++) layers[i] = new EnsembleLinear(heads, sizes[i], sizes[i + 1], rng);
    }

    /** Wraps existing layers (e.g. heads stacked from several devices). */
    public EnsembleMLP(EnsembleLinear[] layers) { this.layers = layers; }

    public int heads() { return layers[0].heads(); }

    /** x[B, in] (shared by all heads) or x[E, B, in] → [E, B, out]. */
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.length; i++) x = i < layers.length - 1 ? layers[i].forwardRelu(x) : layers[i].forward(x);
        return x;
    }

    @Override
    public Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) p.putAll(Modules.named(i + ".", layers[i]));
        return p;
    }
}

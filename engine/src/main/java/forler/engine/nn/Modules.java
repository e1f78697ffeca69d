package forler.engine.nn;

import forler.engine.FlopCounter;
import forler.engine.Shapes;
import forler.engine.Tensor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operations on whole modules: copying, Polyak averaging, prefixing names for checkpoints. */
public final class Modules {
    private Modules() {}

    /** dst ← src, parameter by parameter (same architecture). */
    public static void copy(Module src, Module dst) { polyak(src, dst, 1f); }

    /**
     * Polyak (soft) target update, as CORL writes it: target ← τ·source + (1 − τ)·target, computed in float.
     */
    public static void polyak(Module source, Module target, float tau) {
        Iterator<Tensor> s = source.params().values().iterator(), t = target.params().values().iterator();
        while (s.hasNext()) {
            Tensor a = s.next(), b = t.next();
            check(a, b);
            FlopCounter.add(3L * a.data.length); // τ·a + (1 − τ)·b: ×, ×, + per element
            for (int i = 0; i < a.data.length; i++) b.data[i] = tau * a.data[i] + (1f - tau) * b.data[i];
        }
        if (t.hasNext()) throw new IllegalArgumentException("polyak: modules have different numbers of parameters");
    }

    /** Loads values by name; every parameter must be present with its shape. */
    public static void load(Module m, Map<String, Tensor> values, String prefix) {
        for (Map.Entry<String, Tensor> e : m.params().entrySet()) {
            Tensor v = values.get(prefix + e.getKey());
            if (v == null) throw new IllegalArgumentException("checkpoint has no tensor '" + prefix + e.getKey() + "'");
            check(v, e.getValue());
            System.arraycopy(v.data, 0, e.getValue().data, 0, v.data.length);
        }
    }

    /** The parameters under {@code prefix + name}, for writing several modules into one checkpoint. */
    public static Map<String, Tensor> named(String prefix, Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.params().entrySet()) out.put(prefix + e.getKey(), e.getValue());
        return out;
    }

    private static void check(Tensor a, Tensor b) {
        if (!java.util.Arrays.equals(a.shape, b.shape)) {
            throw new IllegalArgumentException("parameter shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + " differ");
        }
    }
}

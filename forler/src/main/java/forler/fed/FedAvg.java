package forler.fed;

import forler.engine.Tensor;
import forler.engine.nn.Module;
import java.util.ArrayList;
import java.util.List;

/** Weighted parameter averaging (McMahan et al., 2017): into ← Σ_k p_k·part_k, p_k = |D_k| / |D| by default. */
public final class FedAvg {
    private FedAvg() {}

    /** p_k = |D_k| / Σ|D_j| (paper §II-a, FedAvg). */
    public static double[] sizeWeights(int[] sizes) {
        double total = 0;
        for (int s : sizes) total += s;
        double[] p = new double[sizes.length];
        for (int k = 0; k < p.length; k++) p[k] = sizes[k] / total;
        return p;
    }

    /** into ← Σ_k w_k·parts_k, parameter by parameter (same architecture; weights should sum to 1). */
    public static void average(List<? extends Module> parts, double[] w, Module into) {
        List<List<Tensor>> ps = new ArrayList<>();
        for (Module m : parts) ps.add(m.paramList());
        List<Tensor> out = into.paramList();
        for (int i = 0; i < out.size(); i++) {
            float[] dst = out.get(i).data;
            double[] acc = new double[dst.length];
            for (int k = 0; k < parts.size(); k++) {
                float[] src = ps.get(k).get(i).data;
                if (src.length != dst.length) throw new IllegalArgumentException("FedAvg: parameter " + i + " sizes differ");
                for (int j = 0; j < dst.length; j++) acc[j] += w[k] * src[j];
            }
            for (int j = 0; j < dst.length; j++) dst[j] = (float) acc[j];
        }
    }
}

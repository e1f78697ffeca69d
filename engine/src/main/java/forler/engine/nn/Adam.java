package forler.engine.nn;

import forler.engine.FlopCounter;
import forler.engine.Tensor;
import java.util.List;

/**
 * torch.optim.Adam (no weight decay, no amsgrad), step for step in float32:
 * m ← m + (1−β1)·(g − m);  v ← β2·v + (1−β2)·g²;
 * p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
 */
public final class Adam {
    private final List<Tensor> params;
    private final float[][] m, v;
    public float lr;
    private final float beta1, beta2, eps;
    private int t;

    /** Defaults of torch.optim.Adam: β = (0.9, 0.999), ε = 1e-8. */
    public Adam(List<Tensor> params, float lr) { this(params, lr, 0.9f, 0.999f, 1e-8f); }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps) {
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        m = new float[params.size()][];
        v = new float[params.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[params.get(i).size()];
            v[i] = new float[params.get(i).size()];
        }
    }

    /** One update from the accumulated gradients (parameters with no gradient yet are skipped, as torch does). */
    public void step() {
        t++;
        double bc1 = 1.0 - Math.pow(beta1, t);                 // Python floats in torch, so double here
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
        float stepSize = (float) (lr / bc1);
        for (int i = 0; i < m.length; i++) {
            Tensor p = params.get(i);
            float[] g = p.grad(), mi = m[i], vi = v[i], d = p.data;
            if (g == null) continue;
            FlopCounter.add(13L * d.length); // per element: m 3 (−, ×, +), v 4, denominator 3 (√, ÷, +), p 3 (×, ÷, −)
            for (int j = 0; j < d.length; j++) {
                mi[j] += (1f - beta1) * (g[j] - mi[j]); // torch: exp_avg.lerp_(grad, 1 − β1)
                vi[j] = beta2 * vi[j] + (1f - beta2) * g[j] * g[j];
                float denom = (float) Math.sqrt(vi[j]) / bc2Sqrt + eps;
                d[j] -= stepSize * mi[j] / denom;
            }
        }
    }

    /** Zeroes the gradients of all parameters this optimiser updates. */
    public void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }

    /** Step count t. */
    public int steps() { return t; }

    /** Moment buffers and step count, for checkpoints: m and v of parameter i. */
    public float[] firstMoment(int i) { return m[i]; }

    public float[] secondMoment(int i) { return v[i]; }

    public void setSteps(int steps) { t = steps; }

    public int numParams() { return m.length; }
}

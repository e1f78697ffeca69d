package forler.rl;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.Tensor;
import forler.env.ActionScale;
import forler.env.Policy;
import java.util.function.UnaryOperator;

/**
 * A trained deterministic policy as the environment sees it: task observations are normalised the way the
 * training data was (when it was), the unit-box action is mapped back to the task's action box.
 */
public final class Agent implements Policy {
    private final UnaryOperator<Tensor> net; // obs [B, S] → unit action [B, A]
    private final Dataset.ObsStats norm;     // or null
    private final ActionScale scale;

    public Agent(UnaryOperator<Tensor> net, Dataset.ObsStats norm, ActionScale scale) {
        this.net = net;
        this.norm = norm;
        this.scale = scale;
    }

    @Override
    public float[] act(float[] obs, Rng rng) {
        float[] o = obs.clone();
        if (norm != null) norm.normalize(o, 1);
        return scale.toEnv(net.apply(Tensor.of(o, 1, o.length)).data);
    }
}

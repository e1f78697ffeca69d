package forler.rl;

import forler.engine.Rng;
import forler.engine.Tensor;
import forler.io.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;

/** An offline RL learner: one gradient step per batch, a deterministic policy, and a full state for resuming. */
public interface Learner {
    /** One update on a minibatch; returns the losses and statistics to log (name → value). */
    Map<String, Double> update(Batch batch);

    /** The learner's random stream; its minibatches are drawn from it too, so one seed fixes a whole run. */
    Rng rng();

    /** {@code steps} updates on minibatches of {@code batch} from {@code data}; returns each logged value's mean. */
    default Map<String, Double> train(Transitions data, int steps, int batch) {
        Map<String, Double> mean = new LinkedHashMap<>();
        for (int i = 0; i < steps; i++) update(data.sample(batch, rng())).forEach((k, v) -> mean.merge(k, v / steps, Double::sum));
        return mean;
    }

    /** Deterministic action(s) in the unit box for states s[B, S] → [B, A] (no tape recorded). */
    Tensor act(Tensor obs);

    /** Everything needed to continue bit-exactly: parameters, targets, optimiser moments, RNG. */
    StateDict state();

    /** Restores {@link #state()}. */
    void load(StateDict state);
}

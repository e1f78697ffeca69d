package forler.rl;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.Tensor;
import forler.env.ActionScale;

/**
 * A {@link Dataset} as learners see it: actions mapped into the unit box, observations optionally normalised.
 * Sampling reuses one batch buffer, so the tensors of a batch are valid until the next {@link #sample} call.
 */
public final class DatasetTransitions implements Transitions {
    private final Dataset data;
    private Dataset.Batch buf;

    /**
     * @param raw   the dataset in task units
     * @param scale the task's action box
     * @param norm  observation statistics to normalise with, or null for none
     */
    public DatasetTransitions(Dataset raw, ActionScale scale, Dataset.ObsStats norm) {
        Dataset d = norm == null ? raw : raw.normalized(norm);
        data = new Dataset(d.obsDim(), d.actDim(), d.observations(), scale.toUnit(d.actions()), d.rewards(),
                d.nextObservations(), d.terminals(), d.timeouts());
    }

    public Dataset dataset() { return data; }

    @Override public int size() { return data.size(); }

    @Override public int obsDim() { return data.obsDim(); }

    @Override public int actDim() { return data.actDim(); }

    @Override public float[] actions() { return data.actions(); }

    @Override
    public Batch sample(int batchSize, Rng rng) {
        if (buf == null || buf.size != batchSize) buf = data.newBatch(batchSize);
        data.sample(rng, buf);
        int S = data.obsDim(), A = data.actDim();
        return new Batch(Tensor.of(buf.obs, batchSize, S), Tensor.of(buf.act, batchSize, A), Tensor.of(buf.rew, batchSize),
                Tensor.of(buf.nextObs, batchSize, S), Tensor.of(buf.done, batchSize), buf.idx);
    }
}

package forler.rl;

import forler.engine.Rng;

/**
 * Offline data as the learners see it (a device's D_k, the server's D_o, or a single-machine run's dataset):
 * unit-box actions, normalised observations if asked for.
 */
public interface Transitions {
    int size();

    int obsDim();

    int actDim();

    /** A uniform minibatch (with replacement) of {@code batchSize} transitions, carrying their indices. */
    Batch sample(int batchSize, Rng rng);

    /** All actions, [size, A], unit box (FORLER's rectified-action cache starts here). */
    float[] actions();
}

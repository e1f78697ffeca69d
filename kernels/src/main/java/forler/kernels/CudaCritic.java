package forler.kernels;

import forler.engine.DeviceCritic;
import forler.engine.nn.EnsembleLinear;

/**
 * The {@code cuda} backend's {@link DeviceCritic}: the critic's weights live on the GPU as one {@link PackedCritic}
 * buffer, refreshed with one copy; evaluations run {@code critic_min} and searches run {@link CudaSearch}. Twin:
 * {@link TwinCritic}, the same computation on the CPU.
 */
public final class CudaCritic implements DeviceCritic {
    private final PackedCritic pack;      // host staging of the weights, refilled in place
    private final CudaSearch search;
    private final float[] low, high;      // [A] the unit box

    /** Uploads the layers' current values; throws {@link IllegalStateException} when there is no usable GPU. */
    public CudaCritic(int stateDim, EnsembleLinear[] layers) {
        pack = PackedCritic.of(stateDim, layers);
        search = new CudaSearch(pack);
        low = TwinCritic.filled(pack.actionDim(), -1f);
        high = TwinCritic.filled(pack.actionDim(), 1f);
    }

    @Override public void refresh(EnsembleLinear[] layers) {
        pack.pack(layers);
        search.setWeights(pack);
    }

    @Override public void minQ(float[] states, int repeat, float[] actions, int rows, float[] out) {
        TwinCritic.checkRows(rows, repeat);
        search.evaluate(states, actions, rows / repeat, repeat, out);
    }

    @Override public void search(float[] states, int b, float[] x0, int samples, int iterations, float beta, float initStd,
                                 long seed, float[] bestActions, float[] bestQ) {
        search.search(states, b, x0, new SearchConfig(samples, iterations, beta, initStd, low, high), seed, bestActions, bestQ);
    }

    @Override public long evaluations() { return search.qEvaluations(); }

    /** Host-to-device copies of the weights so far: one at construction, one per refresh. */
    public long weightUploads() { return search.weightUploads(); }

    @Override public String device() { return Cuda.get().description(); }

    @Override public void close() { search.close(); }
}

package forler.kernels;

import forler.engine.DeviceCritic;
import forler.engine.nn.EnsembleLinear;
import java.util.Arrays;

/**
 * Java twin of {@link CudaCritic}: the same packing and refresh, {@link CriticSearchTwin} for evaluations and
 * {@link CemSearchTwin} for searches (the same ε stream, so the same candidates bit for bit). It runs anywhere;
 * tests use it as the reference of the device path and to run that path without a GPU.
 */
public final class TwinCritic implements DeviceCritic {
    private final PackedCritic pack;
    private final float[] low, high;      // [A] the unit box
    private CriticWeights weights;        // unpacked from the last refresh
    private long evaluations, refreshes;

    public TwinCritic(int stateDim, EnsembleLinear[] layers) {
        pack = PackedCritic.of(stateDim, layers);
        weights = pack.unpack();
        low = filled(pack.actionDim(), -1f);
        high = filled(pack.actionDim(), 1f);
    }

    @Override public void refresh(EnsembleLinear[] layers) {
        pack.pack(layers);
        weights = pack.unpack();
        refreshes++;
    }

    @Override public void minQ(float[] states, int repeat, float[] actions, int rows, float[] out) {
        checkRows(rows, repeat);
        CriticSearchTwin.forwardMin(weights, states, actions, rows, repeat, out);
        evaluations += rows;
    }

    @Override public void search(float[] states, int b, float[] x0, int samples, int iterations, float beta, float initStd,
                                 long seed, float[] bestActions, float[] bestQ) {
        SearchResult r = new CemSearchTwin(weights).search(states, b, x0,
                new SearchConfig(samples, iterations, beta, initStd, low, high), seed);
        System.arraycopy(r.bestActions(), 0, bestActions, 0, r.bestActions().length);
        System.arraycopy(r.bestQ(), 0, bestQ, 0, b);
        evaluations += (long) b * samples * iterations;
    }

    @Override public long evaluations() { return evaluations; }

    /** Refreshes so far. */
    public long refreshes() { return refreshes; }

    /** The packed weights of the last refresh (read-only use). */
    public PackedCritic packed() { return pack; }

    @Override public String device() { return "cpu (Java twin of the CUDA kernels)"; }

    @Override public void close() {}

    static void checkRows(int rows, int repeat) {
        if (repeat < 1 || rows % repeat != 0) {
            throw new IllegalArgumentException("min-Q rows (" + rows + ") must be a multiple of the state repeat (" + repeat + ")");
        }
    }

    static float[] filled(int n, float v) {
        float[] x = new float[n];
        Arrays.fill(x, v);
        return x;
    }
}

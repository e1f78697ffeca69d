package forler.rl;

import forler.engine.Buffers;
import forler.engine.FlopCounter;
import forler.engine.Backend;
import forler.engine.Backends;
import forler.engine.nn.EnsembleLinear;

/**
 * The CPU min-Q evaluator: min over heads of an ensemble critic, evaluated without the tape and without
 * allocating in steady state, the hot path of the rectification search on the CPU (the default path, and the
 * reference the GPU path is checked against). Row r pairs state r / {@code repeat} with action r, so the N
 * candidates of one state share its state row without a copy of the states.
 *
 * <p>Rows are evaluated {@link #CHUNK_ROWS} at a time, all heads per chunk, so the activations stay in cache.
 * It reads the critic's live weights, so it always evaluates the current Q. The GPU path is {@link DeviceMinQ}
 * (kernel {@code critic_search.cu}); that kernel's plain-Java twin is {@code forler.kernels.CriticSearchTwin}, run
 * through {@code TwinCritic}, which DeviceRectificationTest compares with this class.
 */
public final class MinQ implements ActorRectification.QFunction {
    private final QEnsemble critic;
    private final int obsDim, actDim;
    private final Backend backend = Backends.get();
    private float[] x = new float[0], h1 = new float[0], h2 = new float[0]; // workspaces, grown on demand
    private long evaluations;
    /**
     * Rows per pass through the layers: two [384, 256] activations and a [256, 256] weight (1 MiB) stay in a
     * core's L2; a multiple of the GEMM's 6-row tile and 192-row chunk. Each row's arithmetic does not depend on
     * it, so results are the same for any value.
     */
    static final int CHUNK_ROWS = 384;

    public MinQ(QEnsemble critic, int obsDim, int actDim) {
        this.critic = critic;
        this.obsDim = obsDim;
        this.actDim = actDim;
    }

    @Override
    public long evaluations() { return evaluations; }

    @Override
    public void eval(float[] states, int repeat, float[] actions, int rows, float[] out) {
        int in = obsDim + actDim;
        EnsembleLinear[] layers = critic.net.layers;
        int heads = layers[0].heads(), depth = layers.length;
        int width = 0;
        for (EnsembleLinear l : layers) width = Math.max(width, l.out());
        int chunk = Math.min(CHUNK_ROWS, rows);
        x = Buffers.grow(x, chunk * in);      // [chunk, S+A]
        h1 = Buffers.grow(h1, chunk * width); // [chunk, width]
        h2 = Buffers.grow(h2, chunk * width);
        for (int r0 = 0; r0 < rows; r0 += chunk) {
            int m = Math.min(chunk, rows - r0);
            for (int i = 0; i < m; i++) { // x[i] = [s((r0 + i) / repeat), a(r0 + i)]
                int r = r0 + i;
                System.arraycopy(states, (r / repeat) * obsDim, x, i * in, obsDim);
                System.arraycopy(actions, r * actDim, x, i * in + obsDim, actDim);
            }
            for (int e = 0; e < heads; e++) {
                float[] src = x, dst = h1;
                for (int l = 0; l < depth; l++) {
                    EnsembleLinear L = layers[l];
                    int fin = L.in(), fout = L.out();
                    FlopCounter.gemm(m, fout, fin);
                    FlopCounter.add((l < depth - 1 ? 2L : 1L) * m * fout); // bias +, then ReLU's max on hidden layers
                    // the bias and ReLU as the product's tiles are stored (the Q head, fout = 1: the narrow path, bias after)
                    backend.multBias(m, fout, fin, src, 0, L.weight.data, e * fin * fout, dst, 0, L.bias.data, e * fout,
                            l < depth - 1);
                    src = dst;
                    dst = dst == h1 ? h2 : h1;
                }
                if (e == 0) System.arraycopy(src, 0, out, r0, m);     // last layer has width 1
                else {
                    FlopCounter.add(m); // min over heads
                    for (int i = 0; i < m; i++) out[r0 + i] = Math.min(out[r0 + i], src[i]);
                }
            }
        }
        evaluations += rows;
    }
}

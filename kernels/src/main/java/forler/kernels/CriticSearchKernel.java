package forler.kernels;

import jcuda.Sizeof;
import jcuda.driver.CUfunction;

/**
 * Launches of {@code critic_search.cu}: out[r] = min over heads of the critic on rows r = 0..B·N−1
 * (state r / N, action r). Twin: {@link CriticSearchTwin}.
 */
public final class CriticSearchKernel implements CudaSearch.CriticMin {
    /** Tuned kernel: rows per block, threads per block, weight-slice depth (as in the .cu file). */
    static final int ROWS = 16, THREADS = 256, KT = 8, COLS = 256;

    private final Cuda cuda;
    private final CUfunction tuned;

    public CriticSearchKernel(Cuda cuda) {
        this.cuda = cuda;
        tuned = cuda.function("critic_search", "critic_min");
    }

    /**
     * The critic's weights on the device as one {@link PackedCritic} buffer: uploaded once, refreshed with one
     * host-to-device copy per {@link #upload(PackedCritic)}; the kernels get pointers into it.
     */
    public static final class Weights implements AutoCloseable {
        private final GpuBuffer all = new GpuBuffer(); // [pack size] w0 | b0 | wMid | bMid | wOut | bOut
        private PackedCritic shape;
        private long uploads;

        public Weights(CriticWeights w) { upload(PackedCritic.of(w)); }

        public Weights(PackedCritic p) { upload(p); }

        /** New values as separate arrays (packed first, which allocates; training refreshes use the packed form). */
        public void upload(CriticWeights w) { upload(PackedCritic.of(w)); }

        /** New values (e.g. after a training step) in one copy; the buffer grows if the shape grew. */
        public void upload(PackedCritic p) {
            all.upload(p.data(), 0, p.size());
            shape = p;
            uploads++;
        }

        /** The dimensions of the last upload. */
        public PackedCritic shape() { return shape; }

        /** Host-to-device copies of weights so far (one per upload). */
        public long uploads() { return uploads; }

        /** Part i of the pack (0 = w0 … 5 = bOut) as a device pointer. */
        public jcuda.driver.CUdeviceptr part(int i) { return all.at(shape.offsets[i]); }

        @Override public void close() { all.close(); }
    }

    /**
     * @param states  [B, S] on the device, B = rows / n
     * @param actions [rows, A]
     * @param out     [rows]
     */
    @Override
    public void forwardMin(GpuBuffer out, GpuBuffer states, GpuBuffer actions, int rows, int n, Weights w) {
        if (rows == 0) return;
        PackedCritic c = w.shape();
        int in = c.stateDim() + c.actionDim(), h = c.hidden();
        var args = Cuda.args(out, states, actions, rows, n, c.stateDim(), c.actionDim(), w.part(0), w.part(1), w.part(2),
                w.part(3), w.part(4), w.part(5), c.heads(), h, c.layers());
        int bytes = tunedSharedBytes(in, h);
        cuda.allowSharedMemory(tuned, bytes, "critic_min with S+A=" + in + ", H=" + h);
        cuda.launch(tuned, Cuda.blocks(rows, ROWS), 1, THREADS, 1, bytes, args);
    }

    /** Dynamic shared memory of {@code critic_min}: inputs, two activation buffers (odd strides), weight slice, partials. */
    static int tunedSharedBytes(int in, int h) {
        return (ROWS * (in | 1) + 2 * ROWS * (h | 1) + KT * COLS + ROWS * 16) * Sizeof.FLOAT;
    }
}

package forler.kernels.dev;

import forler.kernels.Cuda;
import forler.kernels.CriticSearchKernel;
import forler.kernels.CudaSearch;
import forler.kernels.GpuBuffer;
import forler.kernels.PackedCritic;
import jcuda.Sizeof;
import jcuda.driver.CUfunction;

/**
 * Launch of {@code dev/critic_min_simple.cu}, the first version of {@code critic_min} (one block of 128 threads
 * per row), kept as GpuBench's baseline; training runs {@link CriticSearchKernel}. Twin: {@code CriticSearchTwin}.
 */
public final class SimpleCriticKernel implements CudaSearch.CriticMin {
    static final int THREADS = 128;

    private final Cuda cuda;
    private final CUfunction simple;

    public SimpleCriticKernel(Cuda cuda) {
        this.cuda = cuda;
        simple = cuda.function("dev/critic_min_simple", "critic_min_simple");
    }

    @Override
    public void forwardMin(GpuBuffer out, GpuBuffer states, GpuBuffer actions, int rows, int n, CriticSearchKernel.Weights w) {
        if (rows == 0) return;
        PackedCritic c = w.shape();
        int in = c.stateDim() + c.actionDim(), h = c.hidden();
        int bytes = (2 * Math.max(in, h) + THREADS) * Sizeof.FLOAT;
        cuda.allowSharedMemory(simple, bytes, "critic_min_simple with S+A=" + in + ", H=" + h);
        cuda.launch(simple, rows, 1, THREADS, 1, bytes, Cuda.args(out, states, actions, rows, n, c.stateDim(), c.actionDim(),
                w.part(0), w.part(1), w.part(2), w.part(3), w.part(4), w.part(5), c.heads(), h, c.layers()));
    }
}

package forler.kernels.dev;

import forler.kernels.Cuda;
import forler.kernels.GpuBuffer;
import jcuda.driver.CUfunction;

/**
 * Launch of {@code dev/ensemble_min.cu}: in [E, B] → out [B], argmin [B] (ints). Twin: {@link EnsembleMinTwin}.
 * Not used by training ({@code critic_min} takes the min over heads inside its last layer); the launch-overhead
 * measurements (GpuBench, bench's LaunchOverheadBench) time it as the smallest kernel.
 */
public final class EnsembleMinKernel {
    private static final int THREADS = 256;
    private final Cuda cuda;
    private final CUfunction f;

    public EnsembleMinKernel(Cuda cuda) {
        this.cuda = cuda;
        f = cuda.function("dev/ensemble_min", "ensemble_min");
    }

    public void min(GpuBuffer out, GpuBuffer argmin, GpuBuffer in, int e, int b) {
        if (b == 0) return;
        cuda.launch(f, Cuda.blocks(b, THREADS), 1, THREADS, 1, 0, Cuda.args(out, argmin, in, e, b));
    }
}

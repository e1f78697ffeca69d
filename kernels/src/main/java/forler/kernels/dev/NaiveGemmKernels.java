package forler.kernels.dev;

import forler.kernels.Cuda;
import forler.kernels.GemmKernels;
import forler.kernels.GpuBuffer;
import jcuda.driver.CUfunction;

/**
 * Launches of {@code dev/gemm_naive.cu}, the first version of {@code gemm.cu} (one thread per output element),
 * kept as GpuBench's baseline; training runs {@link GemmKernels}. Twin: {@code NaiveBackend}.
 */
public final class NaiveGemmKernels {
    private static final int BLOCK = 16;

    private final Cuda cuda;
    private final CUfunction[] naive = new CUfunction[3];

    public NaiveGemmKernels(Cuda cuda) {
        this.cuda = cuda;
        for (GemmKernels.Op op : GemmKernels.Op.values()) {
            naive[op.ordinal()] = cuda.function("dev/gemm_naive", "gemm_naive_" + op.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** C[m,n] (+)= op(A)·op(B), row-major, operands stored as {@link GemmKernels.Op} says. */
    public void launch(GemmKernels.Op op, GpuBuffer a, GpuBuffer b, GpuBuffer c, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        cuda.launch(naive[op.ordinal()], Cuda.blocks(n, BLOCK), Cuda.blocks(m, BLOCK), BLOCK, BLOCK, 0, Cuda.args(a, b, c, m, n, k, accumulate ? 1 : 0));
    }
}

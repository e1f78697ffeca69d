package forler.kernels;

import jcuda.driver.CUfunction;

/** Launches of {@code gemm.cu} on device buffers: C[m,n] (+)= op(A)·op(B), row-major. Twin: {@code NaiveBackend}. */
public final class GemmKernels {
    /** Which operand is stored transposed: NN = A·B, TN = Aᵀ·B (A stored [k,m]), NT = A·Bᵀ (B stored [n,k]). */
    public enum Op { NN, TN, NT }

    private static final int TILE = 64, THREADS = 256;

    private final Cuda cuda;
    private final CUfunction[] tuned = new CUfunction[3];

    public GemmKernels(Cuda cuda) {
        this.cuda = cuda;
        for (Op op : Op.values()) {
            String suffix = op.name().toLowerCase(java.util.Locale.ROOT);
            tuned[op.ordinal()] = cuda.function("gemm", "gemm_" + suffix);
        }
    }

    /** The tiled kernel (64x64 tiles, 4x4 register blocks); its first version is {@code dev.NaiveGemmKernels}. */
    public void launch(Op op, GpuBuffer a, GpuBuffer b, GpuBuffer c, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        cuda.launch(tuned[op.ordinal()], Cuda.blocks(n, TILE), Cuda.blocks(m, TILE), THREADS, 1, 0, Cuda.args(a, b, c, m, n, k, accumulate ? 1 : 0));
    }
}

package forler.kernels;

import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * cuBLAS SGEMM through JCublas on device buffers, in the row-major conventions of {@link GemmKernels}: the optional
 * GEMM path of {@link CudaBackend} ({@code -Dforler.cuda.gemm=cublas}) and the baseline the GPU benchmark draws
 * beside our tiled kernel. cuBLAS is column-major, and a row-major [r, c] array is its column-major transpose, so
 * C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ with the operands swapped.
 *
 * <p>JCublas 12.6 needs {@code libcublas.so.12}; a machine without it (e.g. one with only CUDA 13) cannot load it:
 * {@link #load()} then throws {@link IllegalStateException} with the reason, and callers use our kernels.
 */
public final class CublasGemm implements AutoCloseable {
    private final cublasHandle handle = new cublasHandle();
    private final Pointer one = Pointer.to(new float[] {1f}), zero = Pointer.to(new float[] {0f});

    private CublasGemm() {
        JCublas2.setExceptionsEnabled(true); // loads libJCublas2, which needs libcublas.so.12
        JCublas2.cublasCreate(handle);
    }

    /**
     * cuBLAS on the current device, or {@link IllegalStateException} saying why not (a {@link LinkageError} loading
     * JCublas or libcublas.so.12, or a cuBLAS error creating its handle). Needs {@link Cuda#get()} first.
     */
    public static CublasGemm load() { return load(CublasGemm::new); }

    /** {@link #load()} with the constructor given (tests pass one that fails as a machine without cuBLAS does). */
    static CublasGemm load(java.util.function.Supplier<CublasGemm> create) {
        try {
            return create.get();
        } catch (LinkageError | RuntimeException e) { // UnsatisfiedLinkError, NoClassDefFoundError, CudaException
            throw new IllegalStateException("cuBLAS unavailable (" + Cuda.shortReason(e) + "); JCublas "
                    + "12.6 needs libcublas.so.12 from a CUDA 12 toolkit or runtime on the library path", e);
        }
    }

    /** C[m,n] (+)= op(A)·op(B), row-major, with the operands' storage as in {@link GemmKernels.Op}. */
    public void gemm(GemmKernels.Op op, GpuBuffer a, GpuBuffer b, GpuBuffer c, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        Pointer beta = accumulate ? one : zero;
        switch (op) {
            // A [m,k], B [k,n]: Cᵀ = Bᵀ·Aᵀ, where the column-major views of B and A are Bᵀ (ld n) and Aᵀ (ld k)
            case NN -> JCublas2.cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, one, b.pointer(), n, a.pointer(), k,
                    beta, c.pointer(), n);
            // A stored [k,m], C = Aᵀ·B: Cᵀ = Bᵀ·A, and the column-major view of A is Aᵀ (m×k, ld m), so OP_T
            case TN -> JCublas2.cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_T, n, m, k, one, b.pointer(), n, a.pointer(), m,
                    beta, c.pointer(), n);
            // B stored [n,k], C = A·Bᵀ: Cᵀ = B·Aᵀ, and the column-major view of B is Bᵀ (k×n, ld k), so OP_T
            case NT -> JCublas2.cublasSgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, one, b.pointer(), k, a.pointer(), k,
                    beta, c.pointer(), n);
        }
    }

    /**
     * The ensemble's batched product, one strided-batched call: y[e] (+)= x[e]·w[e] for e < E, with
     * x [E, rows, in] (or a shared [rows, in] when {@code sharedX}), w [E, in, out], y [E, rows, out].
     */
    public void ensemble(GpuBuffer x, boolean sharedX, GpuBuffer w, GpuBuffer y, int heads, int rows, int in, int out,
                         boolean accumulate) {
        if (heads == 0 || rows == 0 || out == 0) return;
        JCublas2.cublasSgemmStridedBatched(handle, CUBLAS_OP_N, CUBLAS_OP_N, out, rows, in, one,
                w.pointer(), out, (long) in * out,
                x.pointer(), in, sharedX ? 0L : (long) rows * in,
                accumulate ? one : zero, y.pointer(), out, (long) rows * out, heads);
    }

    @Override public void close() { JCublas2.cublasDestroy(handle); }
}

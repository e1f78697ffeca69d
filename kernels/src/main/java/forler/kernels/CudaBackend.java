package forler.kernels;

import forler.engine.Backend;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The products of {@link Backend} on the GPU with our own tiled GEMM kernels ({@code gemm.cu}), or with cuBLAS
 * under {@code -Dforler.cuda.gemm=cublas} ({@link CublasGemm}; our kernels, and one log line, when it cannot load).
 * Each call copies
 * its operands into device buffers (kept and grown as needed), launches one kernel and copies C back, so it pays
 * off only for large products; the search and other hot paths keep their data on the device instead
 * ({@link CudaSearch}). Calls are serialised (one set of buffers); any thread may call.
 *
 * <p>Created by {@code Backends.byName("cuda")} through reflection; throws {@link IllegalStateException} saying
 * why when there is no usable GPU, which {@code -Dforler.backend=cuda} turns into a CPU fallback.
 */
public final class CudaBackend implements Backend {
    /** {@code -Dforler.cuda.gemm=tiled} (default: our gemm.cu) or {@code cublas} (JCublas SGEMM). */
    public static final String GEMM_FLAG = "forler.cuda.gemm";
    private static final Logger LOG = Logger.getLogger(CudaBackend.class.getName());

    private final Cuda cuda;
    private final GemmKernels gemm;
    private final CublasGemm cublas; // null: our tiled kernels
    private final GpuBuffer a = new GpuBuffer(), b = new GpuBuffer(), c = new GpuBuffer();

    public CudaBackend() {
        cuda = Cuda.get();
        gemm = new GemmKernels(cuda);
        cublas = cublasIfAsked(System.getProperty(GEMM_FLAG, "tiled"), CublasGemm::load);
    }

    /**
     * cuBLAS when {@code choice} is "cublas" and it loads; null for "tiled", and null with one log line when cuBLAS
     * was asked for but cannot load (no libcuBLAS 12: a {@link LinkageError}), so the backend keeps our kernels.
     */
    static CublasGemm cublasIfAsked(String choice, Supplier<CublasGemm> load) {
        switch (choice) {
            case "tiled": return null;
            case "cublas":
                try {
                    return load.get();
                } catch (IllegalStateException e) {
                    LOG.warning(e.getMessage() + "; -D" + GEMM_FLAG + "=cublas falls back to our tiled GEMM kernels");
                    return null;
                }
            default:
                throw new IllegalArgumentException("-D" + GEMM_FLAG + "=" + choice + " is not a GEMM path: choose tiled or cublas");
        }
    }

    /** The GEMM this backend runs: "cublas" or "tiled". */
    public String gemmPath() { return cublas != null ? "cublas" : "tiled"; }

    @Override public String name() { return "cuda"; }

    /** The fused min-Q critic and search on the GPU, the critic's weights resident there ({@link CudaCritic}). */
    @Override
    public java.util.Optional<forler.engine.DeviceCritic> deviceCritic(int stateDim, forler.engine.nn.EnsembleLinear[] layers) {
        return java.util.Optional.of(new CudaCritic(stateDim, layers));
    }

    /** The device this backend runs on. */
    public String device() { return cuda.description(); }

    @Override
    public void mult(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        run(GemmKernels.Op.NN, m, n, k, a, aOff, b, bOff, c, cOff, acc);
    }

    @Override
    public void multTransA(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        run(GemmKernels.Op.TN, m, n, k, a, aOff, b, bOff, c, cOff, acc);
    }

    @Override
    public void multTransB(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        run(GemmKernels.Op.NT, m, n, k, a, aOff, b, bOff, c, cOff, acc);
    }

    private synchronized void run(GemmKernels.Op op, int m, int n, int k, float[] ha, int aOff, float[] hb, int bOff,
                                  float[] hc, int cOff, boolean acc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm dims must be >= 0: m=" + m + " n=" + n + " k=" + k);
        if (m == 0 || n == 0) return;
        cuda.makeCurrent();
        a.upload(ha, aOff, m * k); // [m,k] or [k,m]
        b.upload(hb, bOff, k * n); // [k,n] or [n,k]
        if (acc) c.upload(hc, cOff, m * n);
        else c.ensure((long) m * n);
        if (cublas != null) cublas.gemm(op, a, b, c, m, n, k, acc);
        else gemm.launch(op, a, b, c, m, n, k, acc);
        c.download(hc, cOff, m * n); // waits for the kernel
    }
}

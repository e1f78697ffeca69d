package forler.kernels.dev;

import forler.engine.Rng;
import forler.kernels.CemSearchTwin;
import forler.kernels.CriticSearchKernel;
import forler.kernels.CriticWeights;
import forler.kernels.CublasGemm;
import forler.kernels.Cuda;
import forler.kernels.CudaBackend;
import forler.kernels.CudaSearch;
import forler.kernels.GemmKernels;
import forler.kernels.GpuBuffer;
import forler.kernels.SearchConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Timings of the kernels on the GPU machine, each beside its baseline (launch overhead, the naive GEMM, the simple
 * critic kernel, the CPU twin): {@code java -cp ... forler.kernels.dev.GpuBench out.json}. Medians of repeated runs,
 * each synchronised; written as JSON (temp file, then rename). bench/gpu/run-all.sh runs it.
 */
public final class GpuBench {
    private final Cuda cuda = Cuda.get();
    private final List<String> rows = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "gpu-bench.json");
        GpuBench b = new GpuBench();
        b.launchOverhead();
        b.gemm(1024);
        b.gemmTrainingShapes();
        b.backendRoundTrip(256);
        b.search(256, 20, 3, 17, 6, 256, 2, 2);   // a device's 2-head critic, the defaults of docs/design.md §Rectification
        b.search(256, 20, 3, 17, 6, 256, 2, 10);  // the server's 2K heads (K = 5)
        b.write(out);
    }

    private void launchOverhead() {
        EnsembleMinKernel k = new EnsembleMinKernel(cuda);
        try (GpuBuffer in = new GpuBuffer(2); GpuBuffer o = new GpuBuffer(1); GpuBuffer arg = new GpuBuffer(1)) {
            in.fill(2, 1f);
            double ms = time(() -> k.min(o, arg, in, 2, 1), 20, 200);
            add("launch_overhead", "ensemble_min E=2 B=1, launch + sync", ms, Double.NaN, null);
        }
    }

    private void gemm(int n) {
        GemmKernels g = new GemmKernels(cuda);
        NaiveGemmKernels naive = new NaiveGemmKernels(cuda);
        Rng rng = new Rng(1);
        float[] a = new float[n * n];
        rng.fillUniform(a, -1, 1);
        try (GpuBuffer da = GpuBuffer.of(a); GpuBuffer db = GpuBuffer.of(a); GpuBuffer dc = new GpuBuffer((long) n * n)) {
            for (GemmKernels.Op op : GemmKernels.Op.values())
                for (boolean simple : new boolean[] {false, true}) {
                    Runnable r = simple ? () -> naive.launch(op, da, db, dc, n, n, n, false) : () -> g.launch(op, da, db, dc, n, n, n, false);
                    double ms = time(r, 3, 10);
                    add("gemm_" + op.name().toLowerCase(Locale.ROOT) + (simple ? "_naive" : "_tiled"),
                            n + "^3, device-resident", ms, 2.0 * n * n * n / (ms * 1e6), "GFLOP/s");
                }
        }
    }

    /**
     * Our tiled GEMM beside cuBLAS (JCublas SGEMM) at the products of a device step (hidden 256, B = 256,
     * HalfCheetah's S+A = 23): the critic's first and hidden layers on a batch, the search's B·N = 5120 rows, CQL's
     * B·(1 + 2·10) = 5376 rows; and the 2-head ensemble [2, 5120, 256]·[2, 256, 256] as 2 tiled launches vs one
     * strided-batched cuBLAS call. Without libcublas.so.12 the cuBLAS rows are left out and one row says why.
     */
    private void gemmTrainingShapes() {
        CublasGemm blas;
        try {
            blas = CublasGemm.load();
        } catch (IllegalStateException e) {
            blas = null;
            System.out.println("cublas rows skipped: " + e.getMessage());
            rows.add("{\"name\":\"cublas_unavailable\",\"reason\":" + json(e.getMessage()) + "}");
        }
        GemmKernels g = new GemmKernels(cuda);
        NaiveGemmKernels naive = new NaiveGemmKernels(cuda);
        Rng rng = new Rng(4);
        int[][] shapes = {{256, 256, 23}, {256, 256, 256}, {5120, 256, 256}, {5376, 256, 256}, {1024, 1024, 1024}}; // m, n, k
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            String shape = m + "x" + n + "x" + k + " (MxNxK), device-resident";
            float[] a = new float[Math.max(m, n) * k];
            rng.fillUniform(a, -1, 1);
            try (GpuBuffer da = new GpuBuffer((long) Math.max(m, n) * k); GpuBuffer db = new GpuBuffer((long) Math.max(m, n) * k);
                 GpuBuffer dc = new GpuBuffer((long) m * n)) {
                da.upload(a, 0, a.length);
                db.upload(a, 0, a.length);
                for (GemmKernels.Op op : GemmKernels.Op.values()) {
                    String o = op.name().toLowerCase(Locale.ROOT);
                    double flops = 2.0 * m * n * k;
                    double tiled = time(() -> g.launch(op, da, db, dc, m, n, k, false), 3, 20);
                    add("train_gemm_" + o + "_tiled", shape, tiled, flops / (tiled * 1e6), "GFLOP/s");
                    if (blas != null) {
                        CublasGemm c = blas;
                        double cu = time(() -> c.gemm(op, da, db, dc, m, n, k, false), 3, 20);
                        add("train_gemm_" + o + "_cublas", shape, cu, flops / (cu * 1e6), "GFLOP/s");
                    }
                }
            }
        }
        int e = 2, r = 5120, in = 256, out = 256;
        String shape = "[" + e + "," + r + "," + in + "]x[" + e + "," + in + "," + out + "]";
        double flops = 2.0 * e * r * in * out;
        GpuBuffer[] xs = new GpuBuffer[e], ws = new GpuBuffer[e], ys = new GpuBuffer[e];
        float[] x = new float[r * in], w = new float[in * out];
        rng.fillUniform(x, -1, 1);
        rng.fillUniform(w, -1, 1);
        for (int h = 0; h < e; h++) {
            xs[h] = GpuBuffer.of(x);
            ws[h] = GpuBuffer.of(w);
            ys[h] = new GpuBuffer((long) r * out);
        }
        double tiled = time(() -> {
            for (int h = 0; h < e; h++) g.launch(GemmKernels.Op.NN, xs[h], ws[h], ys[h], r, out, in, false);
        }, 3, 20);
        add("train_ensemble_tiled", shape + ", one launch per head", tiled, flops / (tiled * 1e6), "GFLOP/s");
        if (blas != null) {
            try (GpuBuffer bx = new GpuBuffer((long) e * r * in); GpuBuffer bw = new GpuBuffer((long) e * in * out);
                 GpuBuffer by = new GpuBuffer((long) e * r * out)) {
                CublasGemm c = blas;
                double cu = time(() -> c.ensemble(bx, false, bw, by, e, r, in, out, false), 3, 20);
                add("train_ensemble_cublas", shape + ", strided batched", cu, flops / (cu * 1e6), "GFLOP/s");
            }
            blas.close();
        }
        for (int h = 0; h < e; h++) {
            xs[h].close();
            ws[h].close();
            ys[h].close();
        }
    }

    private void backendRoundTrip(int n) {
        CudaBackend be = new CudaBackend();
        float[] a = new float[n * n], c = new float[n * n];
        new Rng(2).fillUniform(a, -1, 1);
        double ms = time(() -> be.mult(n, n, n, a, 0, a, 0, c, 0, false), 5, 50);
        add("cuda_backend_mult", n + "^3 incl. host<->device copies", ms, 2.0 * n * n * n / (ms * 1e6), "GFLOP/s");
    }

    private void search(int b, int n, int iters, int s, int a, int h, int l, int e) {
        Rng rng = new Rng(3);
        CriticWeights w = CriticWeights.random(rng, e, s, a, h, l);
        float[] states = new float[b * s], low = new float[a], high = new float[a];
        rng.fillUniform(states, -1, 1);
        Arrays.fill(low, -1f);
        Arrays.fill(high, 1f);
        SearchConfig cfg = new SearchConfig(n, iters, 1f, 2f, low, high);
        String shape = String.format(Locale.ROOT, "B=%d N=%d I=%d S=%d A=%d H=%d L=%d E=%d", b, n, iters, s, a, h, l, e);
        long evals = (long) b * n * iters;
        try (CudaSearch gpu = new CudaSearch(w)) {
            CudaSearch.CriticMin tuned = new CriticSearchKernel(cuda), first = new SimpleCriticKernel(cuda);
            for (boolean simple : new boolean[] {false, true}) {
                long[] seed = {0};
                gpu.criticKernel(simple ? first : tuned);
                double ms = time(() -> gpu.search(states, b, null, cfg, seed[0]++), 3, 20);
                add("search_gpu" + (simple ? "_simple_critic" : ""), shape, ms, evals / (ms * 1e3), "Q-evals/us");
            }
        }
        CemSearchTwin twin = new CemSearchTwin(w);
        long t0 = System.nanoTime();
        twin.search(states, b, null, cfg, 0L);
        double ms = (System.nanoTime() - t0) / 1e6;
        add("search_cpu_twin", shape + " (one run, scalar Java twin)", ms, evals / (ms * 1e3), "Q-evals/us");
    }

    /** Median milliseconds of {@code reps} synchronised runs after {@code warmup}. */
    private double time(Runnable r, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) r.run();
        cuda.synchronize();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            cuda.synchronize();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private void add(String name, String shape, double ms, double rate, String unit) {
        String line = String.format(Locale.ROOT, "%-28s %-50s %10.4f ms", name, shape, ms)
                + (unit == null ? "" : String.format(Locale.ROOT, "  %10.2f %s", rate, unit));
        System.out.println(line);
        rows.add(String.format(Locale.ROOT, "{\"name\":\"%s\",\"shape\":\"%s\",\"median_ms\":%.6f%s}", name, shape, ms,
                unit == null ? "" : String.format(Locale.ROOT, ",\"rate\":%.4f,\"unit\":\"%s\"", rate, unit)));
    }

    public static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    private void write(Path out) throws Exception {
        String text = "{\"device\":\"" + cuda.description().replace("\"", "'") + "\",\"java\":\""
                + System.getProperty("java.version") + "\",\"results\":[\n" + String.join(",\n", rows) + "\n]}\n";
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("wrote " + out);
    }
}

package forler.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each committed PTX resource starts with the SHA-256 of the .cu file it was built from (build-ptx.sh writes it);
 * this fails when a kernel source changed but its PTX was not rebuilt. Works without nvcc.
 */
class PtxHashTest {
    /** The kernel sources, from the module directory (Maven) or the repository root (bench/gpu/run-all.sh). */
    private static final Path CUDA_SRC = Files.isDirectory(Path.of("src/main/cuda")) ? Path.of("src/main/cuda")
            : Path.of("kernels/src/main/cuda");

    @Test
    void everyKernelSourceMatchesItsCommittedPtx() throws Exception {
        List<Path> sources;
        try (Stream<Path> s = Files.walk(CUDA_SRC, 2)) { // the training path's kernels, and dev/
            sources = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        assertEquals(List.of("cem_update.cu", "critic_search.cu", "dev/critic_min_simple.cu", "dev/elementwise.cu",
                "dev/ensemble_min.cu", "dev/gemm_naive.cu", "gemm.cu"),
                sources.stream().map(p -> CUDA_SRC.relativize(p).toString().replace('\\', '/')).toList(),
                "kernel sources in " + CUDA_SRC.toAbsolutePath());
        for (Path cu : sources) {
            String module = CUDA_SRC.relativize(cu).toString().replace('\\', '/').replace(".cu", "");
            String name = cu.getFileName().toString();
            String first = firstLine(Cuda.PTX_DIR + module + ".ptx");
            String expected = "// source-sha256: " + sha256(cu) + " " + name;
            assertEquals(expected, first, module + ".ptx was not built from the current " + cu
                    + ": run kernels/build-ptx.sh (needs nvcc) and commit the PTX");
        }
    }

    @Test
    void ptxTargetsTheH100AndDefinesTheKernelsJavaLaunches() throws Exception {
        String gemm = text(Cuda.PTX_DIR + "gemm.ptx"), naive = text(Cuda.PTX_DIR + "dev/gemm_naive.ptx");
        assertTrue(gemm.contains(".target sm_90"), "gemm.ptx should target sm_90");
        for (String op : new String[] {"nn", "tn", "nt"}) {
            assertTrue(gemm.contains(".entry gemm_" + op + "("), "gemm.ptx lacks kernel gemm_" + op);
            assertTrue(naive.contains(".entry gemm_naive_" + op + "("), "dev/gemm_naive.ptx lacks kernel gemm_naive_" + op);
        }
        assertTrue(text(Cuda.PTX_DIR + "critic_search.ptx").contains(".entry critic_min("));
        assertTrue(text(Cuda.PTX_DIR + "dev/critic_min_simple.ptx").contains(".entry critic_min_simple("));
        assertTrue(text(Cuda.PTX_DIR + "cem_update.ptx").contains(".entry cem_update("));
        assertTrue(text(Cuda.PTX_DIR + "cem_update.ptx").contains(".entry cem_sample("));
        assertTrue(text(Cuda.PTX_DIR + "dev/ensemble_min.ptx").contains(".entry ensemble_min("));
        String ew = text(Cuda.PTX_DIR + "dev/elementwise.ptx");
        for (String k : new String[] {"bias_relu", "relu_backward", "tanh_forward", "tanh_backward", "adam_update",
                "polyak_update", "square_error", "sum_rows"}) {
            assertTrue(ew.contains(".entry " + k + "("), "dev/elementwise.ptx lacks kernel " + k);
        }
        assertFalse(text(Cuda.PTX_DIR + "cem_update.ptx").contains("sin.approx"), "ε must not use the hardware sin/cos");
    }

    static String sha256(Path file) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r", "");
        byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d);
    }

    private static String firstLine(String resource) throws IOException {
        String t = text(resource);
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = PtxHashTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "resource " + resource + " is missing: run kernels/build-ptx.sh");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

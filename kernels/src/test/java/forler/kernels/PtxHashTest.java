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
        try (Stream<Path> s = Files.list(CUDA_SRC)) {
            sources = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        assertEquals(5, sources.size(), "kernel sources in " + CUDA_SRC.toAbsolutePath());
        for (Path cu : sources) {
            String name = cu.getFileName().toString().replace(".cu", "");
            String first = firstLine(Cuda.PTX_DIR + name + ".ptx");
            String expected = "// source-sha256: " + sha256(cu) + " " + name + ".cu";
            assertEquals(expected, first, name + ".ptx was not built from the current " + cu
                    + ": run kernels/build-ptx.sh (needs nvcc) and commit the PTX");
        }
    }

    @Test
    void ptxTargetsTheH100AndDefinesTheKernelsJavaLaunches() throws Exception {
        String gemm = text(Cuda.PTX_DIR + "gemm.ptx");
        assertTrue(gemm.contains(".target sm_90"), "gemm.ptx should target sm_90");
        for (String k : new String[] {"gemm_nn", "gemm_tn", "gemm_nt", "gemm_naive_nn", "gemm_naive_tn", "gemm_naive_nt"}) {
            assertTrue(gemm.contains(".entry " + k + "("), "gemm.ptx lacks kernel " + k);
        }
        assertTrue(text(Cuda.PTX_DIR + "critic_search.ptx").contains(".entry critic_min("));
        assertTrue(text(Cuda.PTX_DIR + "critic_search.ptx").contains(".entry critic_min_simple("));
        assertTrue(text(Cuda.PTX_DIR + "cem_update.ptx").contains(".entry cem_update("));
        assertTrue(text(Cuda.PTX_DIR + "cem_update.ptx").contains(".entry cem_sample("));
        assertTrue(text(Cuda.PTX_DIR + "ensemble_min.ptx").contains(".entry ensemble_min("));
        String ew = text(Cuda.PTX_DIR + "elementwise.ptx");
        for (String k : new String[] {"bias_relu", "relu_backward", "tanh_forward", "tanh_backward", "adam_update",
                "polyak_update", "square_error", "sum_rows"}) {
            assertTrue(ew.contains(".entry " + k + "("), "elementwise.ptx lacks kernel " + k);
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

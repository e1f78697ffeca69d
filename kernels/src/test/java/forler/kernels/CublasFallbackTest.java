package forler.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** -Dforler.cuda.gemm=cublas where cuBLAS cannot load: our tiled kernels, and one log line saying why. */
class CublasFallbackTest {
    private final Logger log = Logger.getLogger(CudaBackend.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { records.add(r); }
        @Override public void flush() {}
        @Override public void close() {}
    };

    @BeforeEach void listen() { log.addHandler(capture); }

    @AfterEach void stop() { log.removeHandler(capture); }

    @Test
    void aLinkageErrorLoadingCublasFallsBackToTheTiledKernelsWithOneLogLine() {
        CublasGemm got = CudaBackend.cublasIfAsked("cublas", () -> CublasGemm.load(() -> {
            throw new UnsatisfiedLinkError("libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: cannot open shared object file");
        }));
        assertNull(got, "no cuBLAS: the backend keeps our kernels");
        assertEquals(1, records.size(), "exactly one log line");
        String line = records.get(0).getMessage();
        assertTrue(line.contains("cuBLAS unavailable") && line.contains("libcublas.so.12")
                && line.contains("falls back to our tiled GEMM kernels") && !line.contains("\n"), line);
    }

    @Test
    void tiledNeverTriesCublasAndAnUnknownChoiceIsAnError() {
        assertNull(CudaBackend.cublasIfAsked("tiled", () -> { throw new AssertionError("tiled must not load cuBLAS"); }));
        var e = assertThrows(IllegalArgumentException.class, () -> CudaBackend.cublasIfAsked("cuBLAS", CublasGemm::load));
        assertTrue(e.getMessage().contains("choose tiled or cublas"), e.getMessage());
        assertTrue(records.isEmpty());
    }

    /** The real JCublas on this machine: either it loads (a CUDA 12 GPU machine) or it fails as a LinkageError. */
    @Test
    void realJcublasLoadsOrFailsWithAReason() {
        CublasGemm c = null;
        try {
            if (Cuda.available()) Cuda.get();
            c = CudaBackend.cublasIfAsked("cublas", CublasGemm::load);
        } finally {
            if (c != null) c.close();
        }
        if (c == null) {
            assertEquals(1, records.size(), "exactly one log line");
            var e = assertThrows(IllegalStateException.class, CublasGemm::load);
            assertTrue(e.getMessage().startsWith("cuBLAS unavailable ("), e.getMessage());
            if (!Cuda.available()) assertInstanceOf(LinkageError.class, e.getCause(), "without CUDA libraries the cause is a LinkageError");
        } else {
            assertTrue(records.isEmpty(), "cuBLAS loaded, nothing to log");
        }
    }
}

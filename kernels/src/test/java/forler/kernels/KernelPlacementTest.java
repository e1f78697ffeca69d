package forler.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What docs/cuda.md's "which kernel runs" table says, read from the sources: the classes of {@code forler.kernels}
 * (the training path) load only the kernel files of {@code src/main/cuda}, and those of {@code forler.kernels.dev}
 * only the files under {@code src/main/cuda/dev}.
 */
class KernelPlacementTest {
    private static final Path MODULE = Files.isDirectory(Path.of("src/main/java")) ? Path.of("") : Path.of("kernels");
    private static final Pattern LOAD = Pattern.compile("cuda\\.function\\(\"([^\"]+)\"");

    @Test
    void theTrainingPathLoadsNoDevKernelAndDevClassesLoadOnlyDevKernels() throws Exception {
        TreeSet<String> product = modules(MODULE.resolve("src/main/java/forler/kernels"));
        TreeSet<String> dev = modules(MODULE.resolve("src/main/java/forler/kernels/dev"));
        assertEquals(new TreeSet<>(List.of("cem_update", "critic_search", "gemm")), product, "modules forler.kernels loads");
        assertEquals(new TreeSet<>(List.of("dev/critic_min_simple", "dev/elementwise", "dev/ensemble_min", "dev/gemm_naive")), dev,
                "modules forler.kernels.dev loads");
        for (String m : product) {
            assertFalse(m.startsWith("dev/"), m);
            assertTrue(Files.isRegularFile(MODULE.resolve("src/main/cuda/" + m + ".cu")), m + ".cu");
        }
        for (String m : dev) assertTrue(Files.isRegularFile(MODULE.resolve("src/main/cuda/" + m + ".cu")), m + ".cu");
    }

    /** The module names in {@code cuda.function("module", ...)} calls of the .java files directly in {@code dir}. */
    private static TreeSet<String> modules(Path dir) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(dir, 1)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = LOAD.matcher(Files.readString(f));
                while (m.find()) out.add(m.group(1));
            }
        }
        return out;
    }
}

package forler.kernels;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs this module's tests (GPU ones included) without Maven, for the GPU machine (bench/gpu/run-all.sh):
 * {@code java -cp ... forler.kernels.GpuTestMain out.json [--require-gpu] [--class=NAME]...}. Prints one line per
 * test, writes a JSON summary, exits 1 when a test failed or (with {@code --require-gpu}) when no GPU was found.
 * {@code --class=} adds a test class of another module (e.g. {@code forler.rl.DeviceRectificationTest}).
 */
public final class GpuTestMain {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "gpu-tests.json");
        boolean requireGpu = List.of(args).contains("--require-gpu");
        LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("forler.kernels"), selectClass("forler.engine.CudaFallbackTest"));
        for (String a : args) { // --class=forler.rl.DeviceRectificationTest: a test of another module on the classpath
            if (a.startsWith("--class=")) builder.selectors(selectClass(a.substring("--class=".length())));
        }
        LauncherDiscoveryRequest request = builder.build();
        List<String> rows = new ArrayList<>();
        int[] counts = new int[3]; // succeeded, failed, skipped
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override public void executionSkipped(TestIdentifier id, String reason) {
                if (!id.isTest()) return;
                counts[2]++;
                report(id, "SKIPPED", reason);
            }

            @Override public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (!id.isTest()) return;
                switch (r.getStatus()) {
                    case SUCCESSFUL -> { counts[0]++; report(id, "OK", null); }
                    case ABORTED -> { counts[2]++; report(id, "SKIPPED", r.getThrowable().map(Throwable::getMessage).orElse("")); }
                    case FAILED -> { counts[1]++; report(id, "FAILED", r.getThrowable().map(Throwable::toString).orElse("")); }
                }
            }

            private void report(TestIdentifier id, String status, String msg) {
                String uid = id.getUniqueId();
                String name = uid.replaceAll(".*\\[class:([^\\]]+)\\].*", "$1") + "#"
                        + uid.replaceAll(".*\\[(?:method|test-template):([^(\\]]+).*", "$1")
                        + (uid.contains("test-template-invocation") ? " [" + id.getDisplayName() + "]" : "");
                System.out.println(status + "  " + name + (msg == null ? "" : "  (" + msg + ")"));
                rows.add("{\"test\":" + json(name) + ",\"status\":\"" + status + "\"" + (msg == null ? "" : ",\"message\":" + json(msg)) + "}");
            }
        });
        String device = Cuda.available() ? Cuda.get().description() : null;
        String text = "{\"device\":" + (device == null ? "null" : json(device)) + ",\"succeeded\":" + counts[0]
                + ",\"failed\":" + counts[1] + ",\"skipped\":" + counts[2] + ",\"tests\":[\n" + String.join(",\n", rows) + "\n]}\n";
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("device: %s%ntests: %d passed, %d failed, %d skipped -> %s%n",
                device == null ? Cuda.unavailableReason() : device, counts[0], counts[1], counts[2], out);
        System.exit(counts[1] > 0 || (requireGpu && device == null) ? 1 : 0);
    }

    static String json(String s) { return forler.kernels.dev.GpuBench.json(s); }
}

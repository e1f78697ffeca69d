package forler.bench;

import forler.engine.Backend;
import forler.engine.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one training step's time goes, product by product: wraps the current backend, runs {@link TrainStepBench}'s
 * step, and prints each product shape's (and each parallel loop's) milliseconds per step, calls per step and
 * GFLOP/s, largest first. A profile by shape, which a sampling profiler cannot give (it sees one kernel). Products
 * inside a parallel loop (ensemble heads, "loop E x cost") are timed on the thread that ran them, so the rows can add
 * up to more than the step.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar forler.bench.StepProfile
 * [cql|sacn12|td3bc|forler-device-d5|...] [pendulum|halfcheetah] [steps] [hidden, default 256]} (threads: {@code -Dforler.threads=N}).
 */
public final class StepProfile {
    private final Map<String, long[]> byShape = new TreeMap<>(); // shape -> {nanoseconds, calls, flops}

    private synchronized void add(String shape, long nanos, long flops) { // workers time the products of parallel heads
        long[] v = byShape.computeIfAbsent(shape, s -> new long[3]);
        v[0] += nanos;
        v[1]++;
        v[2] += flops;
    }

    /** The timing wrapper: every call goes to {@code be}, timed under its shape. */
    private Backend timed(Backend be) {
        return new Backend() {
            @Override public String name() { return be.name(); }
            @Override public int threads() { return be.threads(); }

            @Override public void mult(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {
                long t = System.nanoTime();
                be.mult(m, n, k, a, ao, b, bo, c, co, acc);
                add("mult   " + m + "x" + n + "x" + k, System.nanoTime() - t, 2L * m * n * k);
            }

            @Override public void multTransA(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {
                long t = System.nanoTime();
                be.multTransA(m, n, k, a, ao, b, bo, c, co, acc);
                add("multTA " + m + "x" + n + "x" + k, System.nanoTime() - t, 2L * m * n * k);
            }

            @Override public void multTransB(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {
                long t = System.nanoTime();
                be.multTransB(m, n, k, a, ao, b, bo, c, co, acc);
                add("multTB " + m + "x" + n + "x" + k, System.nanoTime() - t, 2L * m * n * k);
            }

            @Override public void multBias(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co,
                                           float[] bias, int biasOff, boolean relu) {
                long t = System.nanoTime();
                be.multBias(m, n, k, a, ao, b, bo, c, co, bias, biasOff, relu);
                add((relu ? "mult+bR " : "mult+b  ") + m + "x" + n + "x" + k, System.nanoTime() - t, 2L * m * n * k);
            }

            @Override public void multTransBMasked(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co,
                                                   float[] mask, int maskOff) {
                long t = System.nanoTime();
                be.multTransBMasked(m, n, k, a, ao, b, bo, c, co, mask, maskOff);
                add("multTBm " + m + "x" + n + "x" + k, System.nanoTime() - t, 2L * m * n * k);
            }

            @Override public void addWherePositive(int n, float[] x, float[] g, float[] gx) {
                long t = System.nanoTime();
                be.addWherePositive(n, x, g, gx);
                add("relu'  " + n, System.nanoTime() - t, n);
            }

            @Override public void maskWherePositive(int n, float[] x, float[] g, float[] gx) {
                long t = System.nanoTime();
                be.maskWherePositive(n, x, g, gx);
                add("relu'= " + n, System.nanoTime() - t, n);
            }

            @Override public void addBiasRows(int rows, int cols, float[] y, int yOff, float[] bias, int bOff, boolean relu) {
                long t = System.nanoTime();
                be.addBiasRows(rows, cols, y, yOff, bias, bOff, relu);
                add((relu ? "+b,relu " : "+b     ") + rows + "x" + cols, System.nanoTime() - t, (long) rows * cols);
            }

            @Override public void keepOnCallingThread(boolean keep) { be.keepOnCallingThread(keep); }

            @Override public java.util.Optional<forler.engine.DeviceCritic> deviceCritic(int stateDim,
                    forler.engine.nn.EnsembleLinear[] layers) {
                return be.deviceCritic(stateDim, layers);
            }

            @Override public void addColumnSums(int rows, int cols, float[] g, int gOff, float[] out, int outOff) {
                long t = System.nanoTime();
                be.addColumnSums(rows, cols, g, gOff, out, outOff);
                add("db     " + rows + "x" + cols, System.nanoTime() - t, (long) rows * cols);
            }

            @Override public void parallelFor(int n, int cost, Range body) {
                long t = System.nanoTime();
                be.parallelFor(n, cost, body);
                add("loop   " + n + "x" + cost, System.nanoTime() - t, (long) n * cost);
            }
        };
    }

    public static void main(String[] args) {
        TrainStepBench bench = new TrainStepBench();
        bench.algo = args.length > 0 ? args[0] : "cql";
        bench.dims = args.length > 1 ? args[1] : "pendulum";
        bench.batch = 256;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        bench.hidden = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        StepProfile p = new StepProfile();
        Backend be = Backends.get();
        Backends.set(p.timed(be));
        bench.setup();
        for (int i = 0; i < steps; i++) bench.runStep(); // warm-up: JIT, workspaces
        p.byShape.clear();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) bench.runStep();
        long total = System.nanoTime() - t0;
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(p.byShape.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
        System.out.printf("%s %s, backend %s, %d threads: %.1f ms/step%n", bench.algo, bench.dims, be.name(), be.threads(),
                total / 1e6 / steps);
        System.out.println("shape (m x n x k; loop: n x cost)   ms/step  calls/step  GFLOP/s");
        for (var r : rows) {
            long[] v = r.getValue();
            System.out.printf("%-34s %8.2f %10d %8.1f%n", r.getKey(), v[0] / 1e6 / steps, v[1] / steps, v[2] / (double) v[0]);
        }
    }
}

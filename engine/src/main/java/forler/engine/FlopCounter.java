package forler.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * The floating-point operations the engine does, counted where they are done (not estimated from a formula), so that a
 * benchmark can turn steps per second into GFLOP/s. Off by default; while off each op pays one volatile read.
 *
 * <p>What counts, forward and backward alike:
 * <ul>
 *   <li>a product C[m,n] (+)= A[m,k]·B[k,n] (any of the three {@link Backend} forms): 2·m·n·k, whatever the backend
 *       pads or packs ({@link #gemm});</li>
 *   <li>an elementwise or reduction loop: per element, the float arithmetic its body writes: + − × ÷, min/max (a
 *       compare that picks a minimum counts), sqrt, and each exp, log, log1p, tanh as one. Accumulating a gradient
 *       ({@code gx += ...}) is one addition. Branch tests (ReLU's x &gt; 0, clamp's window), index arithmetic and copies
 *       (concat, repeat, take, the forward of reshape) count nothing.</li>
 * </ul>
 * Each op states its count beside its forward and its backward ({@link Tensor}, {@code nn.Adam}, {@code nn.Modules},
 * and {@code forler.rl.MinQ}, which calls the backend without the tape).
 * Counting never changes a value: it only adds to a counter.
 *
 * <p>The count is process-wide (a {@link LongAdder}, so the GEMM pool's workers add to it too): {@link #count} measures
 * whatever engine work runs anywhere while its body runs, so run nothing else meanwhile.
 */
public final class FlopCounter {
    private static volatile boolean on;
    private static final LongAdder COUNT = new LongAdder();

    private FlopCounter() {}

    /** Adds {@code flops} while counting is on. */
    public static void add(long flops) { if (on) COUNT.add(flops); }

    /** One product C[m,n] (+)= A[m,k]·B[k,n]: k multiply-adds per element of C, 2·m·n·k. */
    public static void gemm(int m, int n, int k) { if (on) COUNT.add(2L * m * n * k); }

    /** The flops that {@code body} does, counted on every thread. One measurement at a time. */
    public static synchronized long count(Runnable body) {
        COUNT.reset();
        on = true;
        try {
            body.run();
        } finally {
            on = false;
        }
        return COUNT.sum();
    }
}

package forler.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Reused arrays for the intermediate tensors of one training step. Inside {@code try (var a = Arena.open()) { ... }}
 * the outputs of the products ({@code matmul}, {@code ensembleMatmul} and their ReLU forms) and of the elementwise,
 * reduction and copy ops, and the gradients of every tensor made inside, come from this thread's pool; closing the
 * outermost arena gives them all back, and the next step takes the same arrays again. So a step touches memory that
 * is already in cache and zeroes only what it must, where fresh arrays cost a zeroing pass through cold memory each
 * (at hidden 64 that was a quarter of a FORLER device step; docs/throughput.md, third window). The pool keeps the
 * most arrays of each length a step has used, for the thread's life.
 *
 * <p>The rule: nothing made inside may be used after the arena closes. A training step obeys it by construction
 * (forward, backward and the optimizer's step all happen inside, and what leaves is a float); closing with backward
 * closures still on the tape, which would read the arrays later, is refused. {@code -Dforler.arena.poison=true} fills
 * every array given back with NaN, so a use after close shows in the numbers (ArenaTest, and FedSimulationTest for
 * every method's whole run, compare runs with poisoned arenas and without arenas bit for bit). Values are the same
 * either way: an array handed out is zeroed wherever the op would have relied on a fresh array's zeros.
 *
 * <p>One pool per thread (devices train on their own threads); arenas nest, only the outermost gives back.
 */
public final class Arena implements AutoCloseable {
    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);
    /** Off ({@code -Dforler.arena=false}): every array is new, as without arenas (for A/B benchmarks and tests). */
    private static volatile boolean enabled = !"false".equals(System.getProperty("forler.arena"));
    /** Fill the arrays given back with NaN, so that a use after close shows in the numbers. */
    private static volatile boolean poison = Boolean.getBoolean("forler.arena.poison");

    /** Sets the two switches above for the whole JVM (tests compare runs with and without arenas, and poisoned). */
    public static void configure(boolean enable, boolean poisonReturned) {
        enabled = enable;
        poison = poisonReturned;
    }

    /** This thread's arrays: free ones by length, and those lent since the outermost arena opened. */
    private static final class Pool {
        final HashMap<Integer, ArrayDeque<float[]>> free = new HashMap<>();
        final ArrayList<float[]> lent = new ArrayList<>();
        int depth, tapeAtOpen;
    }

    private final Pool pool;
    private boolean closed;

    private Arena(Pool pool) { this.pool = pool; }

    /** Opens an arena on this thread (nested inside an open one, it gives nothing back itself). */
    public static Arena open() {
        if (!enabled) return new Arena(null);
        Pool p = POOL.get();
        if (p.depth++ == 0) p.tapeAtOpen = Tape.size();
        return new Arena(p);
    }

    /** True while an arena is open on this thread. */
    static boolean isOpen() { return POOL.get().depth > 0; }

    /** A float[n] from the open arena (zeroed when {@code zero}; otherwise holding anything), or a new one when none is open. */
    static float[] floats(int n, boolean zero) {
        Pool p = POOL.get();
        if (p.depth == 0) return new float[n];
        ArrayDeque<float[]> q = p.free.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) a = new float[n];
        else if (zero) Arrays.fill(a, 0f);
        p.lent.add(a);
        return a;
    }

    @Override
    public void close() {
        if (closed || pool == null) return;
        closed = true;
        if (--pool.depth > 0) return;
        if (Tape.size() > pool.tapeAtOpen) {
            pool.lent.clear(); // not given back: the closures on the tape still hold them
            throw new IllegalStateException("arena closed with " + (Tape.size() - pool.tapeAtOpen)
                    + " backward closures on the tape: call Tape.backward (or Tape.clear) before the step ends");
        }
        for (float[] a : pool.lent) {
            if (poison) Arrays.fill(a, Float.NaN);
            pool.free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        }
        pool.lent.clear();
    }
}

package forler.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The project's fast CPU path: a register-blocked single-precision GEMM on {@code jdk.incubator.vector}.
 *
 * <p>All three products are one routine over strided operands: element A(i,p) is {@code a[aOff + i·aRs + p·aCs]}
 * and B(p,j) is {@code b[bOff + p·bRs + j·bCs]}, so {@code mult}, {@code multTransA} and {@code multTransB} differ
 * only in the strides they pass. The blocking follows Goto/BLIS:
 * <pre>
 *   for pc in K step kc                        (kc depends on K only: equal blocks of at most KC_MAX)
 *     pack B[pc.., 0..n] into NR-wide panels   // [n/NR, kc, NR] zero padded, the caller's thread-local scratch
 *     for row chunks of C (split over threads) // rows [i0, i1), claimed by the caller and the workers
 *       for ic in chunk step MC
 *         for jr in panels of NR columns
 *           for ir in ic.. step MR: micro-kernel  // MR x NRV vector accumulators in registers, A read in place
 * </pre>
 * The kernel broadcasts MR A scalars per k step against NRV vectors of the packed B panel (kc·NR floats,
 * re-read from L1/L2 for every MR rows). A is not packed: at the widths trained here one row group of a k block
 * stays in L1 across the panels, and the copy cost as much as the kernel at hidden 64. When m is
 * small, B rows that are already contiguous ({@code bCs == 1}) are read in place, since packing B would cost more
 * than the product; so are B rows exactly NR floats apart (n = NR), whose packed copy would be the same layout.
 * Workspaces grow to the largest shape seen and are reused: the serial path allocates nothing; a parallel call
 * allocates one small descriptor per k block.
 *
 * <p>Determinism: every C element is computed as {@code acc = fma(A(i,p), B(p,j), acc)} for p = pc..pc+kc−1 from
 * zero, then stored ({@code C = acc}) or added ({@code C = C + acc}) per k block, in k-block order. Row tails, column
 * tails, packing choice and the split of rows over threads do not change that sequence, so results are
 * bit-identical with 1 or N threads.
 *
 * <p>JIT: the micro-kernels are branch-free after their k loop. The caller picks where a tile's registers go: a full
 * tile that is stored ({@code C = acc}, row-major C) goes straight into C; an edge tile, a transposed C or a later k
 * block ({@code C = C + acc}) goes into a scratch tile that {@link #flush} (plain Java) stores or adds. An earlier
 * kernel made that choice itself, under an {@code if} after the loop; on JDK 17, when an edge tile first took the
 * other side, C2 deoptimised and sometimes recompiled the kernel without the Vector API intrinsics
 * ({@code -XX:+PrintIntrinsics}: "missing constant: vclass=... vlen=..."), so every {@code fma} allocated a boxed
 * vector and the JVM ran 5x slower for its whole life, in about one run of three.
 *
 * <p>Epilogues: {@link #multBias} (a Linear layer's bias and ReLU) and {@link #multTransBMasked} (a gradient through
 * ReLU's mask) apply their elementwise step to each whole tile as it leaves the registers, so C is written once and no
 * separate pass re-reads it (at 7680 x 64, a CQL critic's sampled actions, each pass streams 2 MB). {@link #kernel}
 * always adds a row vector and takes a max after its loop (a plain product adds −0 and takes max with −∞, which keep
 * every bit); the mask has a kernel of its own with the same loop, rather than a branch after the loop. Edge tiles
 * go through the scratch tile and {@code finish}. The NRV = 2 kernels (AVX2) have the same two epilogues: going
 * through the scratch tile made a hidden-64 FORLER device step 12–18% slower on an AVX2 machine, slower even than the
 * spilling 24-accumulator kernel with its epilogues (docs/gemm.md). A fused call allocates one small descriptor.
 *
 * <p>Threads: products of at least {@link #PARALLEL_FLOPS} (2·m·n·(k + 4)) are split into chunks of MR-row groups, or
 * of NR-column panels when A has few rows, claimed dynamically by the calling thread and {@code threads − 1} shared
 * daemon workers; the caller always works too, so a busy worker never blocks it. The same pool runs
 * {@link #parallelFor} (elementwise loops, a bias's gradient, the ensemble heads of {@link Tensor}); work started
 * inside a chunk stays on that chunk's thread. One-row products ({@code m = 1}, a Q head's output) skip packing.
 * The thread count defaults to the available processors and is set with {@code -Dforler.threads=N} or the
 * {@link #VectorBackend(int)} constructor.
 */
public final class VectorBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512, 8 with AVX2). */
    private static final int L = S.length();
    /** Micro-kernel rows: A scalars broadcast per k step. */
    static final int MR = 6;
    /**
     * Micro-kernel column vectors; NR = NRV·L columns per panel. 4 (MR·4 = 24 accumulators) where vectors are 512-bit
     * (AVX-512 has 32 vector registers); 2 (12 accumulators) otherwise: AVX2 has 16 registers, and 24 accumulators
     * there spill to the stack in the inner loop. {@code -Dforler.gemm.nrv=2|4} overrides. The choice changes no bits:
     * every C element is the same fma sequence whatever the tile width.
     */
    static final int NRV = nrv(Integer.getInteger("forler.gemm.nrv", L >= 16 ? 4 : 2));

    private static int nrv(int v) {
        if (v != 2 && v != 4) throw new IllegalArgumentException("-Dforler.gemm.nrv must be 2 or 4, got " + v);
        return v;
    }
    static final int NR = NRV * L;
    /** Largest k block; K is cut into equal blocks no larger than this (so K=260 is one block). */
    static final int KC_MAX = 320;
    /** NR negative zeros: {@link #kernel}'s addend for a plain product (x + −0 = x for every x). */
    private static final float[] MINUS_ZEROS = new float[NR];

    static { java.util.Arrays.fill(MINUS_ZEROS, -0f); }

    /** Rows per chunk handed to a thread (a multiple of MR). */
    static final int MC = 32 * MR;
    /** Below this many rows, row-contiguous B is read in place rather than packed. */
    static final int PACK_MIN_ROWS = 24;
    /**
     * Products with fewer flops (2·m·n·k) stay on the calling thread; {@code -Dforler.gemm.parallelFlops=} overrides.
     * 8M: below it the hand-off cost a 256x23x256 product a third of its speed on the 2-core dev machine (docs/gemm.md).
     */
    public static final long PARALLEL_FLOPS = Long.getLong("forler.gemm.parallelFlops", 8L << 20);

    /**
     * Elementwise loops over fewer than this many (index × cost) stay on the calling thread; {@code
     * -Dforler.parallelElements=} overrides. 64K: a bias add over a [256, 256] activation is split, a [256, 1] is not.
     */
    public static final long PARALLEL_ELEMENTS = Long.getLong("forler.parallelElements", 1L << 16);

    private final int threads;

    /** Uses {@code -Dforler.threads} threads, default: available processors. */
    public VectorBackend() { this(Integer.getInteger("forler.threads", Runtime.getRuntime().availableProcessors())); }

    /** Uses at most {@code threads} threads (1 = never leave the calling thread). */
    public VectorBackend(int threads) {
        if (threads < 1) throw new IllegalArgumentException("VectorBackend: threads must be >= 1, got " + threads
                + " (set -Dforler.threads to a positive count)");
        this.threads = threads;
    }

    @Override public String name() { return "cpu"; }

    /** The most threads one product uses. */
    @Override public int threads() { return threads; }

    @Override
    public void mult(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        check("mult", m, n, k, a, aOff, b, bOff, c, cOff);
        gemm(m, n, k, a, aOff, k, 1, b, bOff, n, 1, c, cOff, acc, null);
    }

    @Override
    public void multTransA(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        check("multTransA", m, n, k, a, aOff, b, bOff, c, cOff);
        gemm(m, n, k, a, aOff, 1, m, b, bOff, n, 1, c, cOff, acc, null);
    }

    @Override
    public void multTransB(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        check("multTransB", m, n, k, a, aOff, b, bOff, c, cOff);
        gemm(m, n, k, a, aOff, k, 1, b, bOff, 1, k, c, cOff, acc, null);
    }

    /**
     * The bias (and ReLU) applied to each tile as it leaves the registers, so that C is written once and never
     * re-read by a separate bias pass (at 7680 x 64, a CQL critic's sampled actions, that pass streams 2 MB through
     * memory). Shapes the epilogue does not cover ({@link #fusable}) take the reference: the product, then the pass.
     */
    @Override
    public void multBias(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                         float[] bias, int biasOff, boolean relu) {
        check("multBias", m, n, k, a, aOff, b, bOff, c, cOff);
        if (biasOff < 0 || biasOff + n > bias.length) {
            throw new IllegalArgumentException("multBias: bias[" + bias.length + "]@" + biasOff + " has no " + n + " values");
        }
        if (!fusable(m, n, k)) Backend.super.multBias(m, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, relu);
        else gemm(m, n, k, a, aOff, k, 1, b, bOff, n, 1, c, cOff, false, new Epilogue(bias, biasOff, relu, null, 0));
    }

    /** ReLU's mask applied to each tile of A·Bᵀ as it leaves the registers: the gradient is written once, masked. */
    @Override
    public void multTransBMasked(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                 float[] mask, int maskOff) {
        check("multTransBMasked", m, n, k, a, aOff, b, bOff, c, cOff);
        if (maskOff < 0 || maskOff + (long) m * n > mask.length) {
            throw new IllegalArgumentException("multTransBMasked: mask[" + mask.length + "]@" + maskOff + " has no " + m
                    + "x" + n + " values");
        }
        if (!fusable(m, n, k)) Backend.super.multTransBMasked(m, n, k, a, aOff, b, bOff, c, cOff, mask, maskOff);
        else gemm(m, n, k, a, aOff, k, 1, b, bOff, 1, k, c, cOff, false, new Epilogue(null, 0, false, mask, maskOff));
    }

    /**
     * True when a stored product of this shape can take an {@link Epilogue}: one k block (each C element is final
     * when its tile leaves the registers), C row-major (not computed as Cᵀ), more than one row (not the
     * vector-matrix path) and wider than the narrow path.
     */
    static boolean fusable(int m, int n, int k) { return k > 0 && k <= KC_MAX && m > 1 && !transposes(m, n) && !narrow(m, n, k); }

    /**
     * What a tile goes through on its way from the registers to C: C(i,j) = acc + bias[j] (then max(·, 0) when
     * relu), or, with a mask, C(i,j) = 0 + acc where mask(i,j) &gt; 0 and 0 elsewhere (mask laid out as C). The bits of
     * the product followed by {@link Backend#addBiasRows} or by ReLU's backward.
     */
    private record Epilogue(float[] bias, int biasOff, boolean relu, float[] mask, int maskOff) {}

    @Override public void keepOnCallingThread(boolean keep) { WORKSPACE.get().kept = keep; }

    /** Masked vector adds (the branchy scalar loop mispredicts on ReLU's ~50/50 masks), split over threads. */
    @Override
    public void addWherePositive(int n, float[] x, float[] g, float[] gx) {
        parallelFor(n, 1, (from, to) -> {
            int i = from;
            for (int up = from + S.loopBound(to - from); i < up; i += L) {
                VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                FloatVector.fromArray(S, gx, i).add(FloatVector.fromArray(S, g, i), pos).intoArray(gx, i);
            }
            for (; i < to; i++) if (x[i] > 0f) gx[i] += g[i];
        });
    }

    @Override
    public void maskWherePositive(int n, float[] x, float[] g, float[] gx) {
        parallelFor(n, 1, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(S);
            for (int up = from + S.loopBound(to - from); i < up; i += L) {
                VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                zero.add(FloatVector.fromArray(S, g, i), pos).intoArray(gx, i);
            }
            for (; i < to; i++) gx[i] = x[i] > 0f ? 0f + g[i] : 0f;
        });
    }

    /** Vector adds (and max) along each row, rows split over threads; a scalar tail per row. */
    @Override
    public void addBiasRows(int rows, int cols, float[] y, int yOff, float[] bias, int bOff, boolean relu) {
        parallelFor(rows, cols, (r0, r1) -> {
            int up = S.loopBound(cols);
            FloatVector zero = FloatVector.zero(S);
            for (int r = r0; r < r1; r++) {
                int o = yOff + r * cols, c = 0;
                for (; c < up; c += L) {
                    FloatVector v = FloatVector.fromArray(S, y, o + c).add(FloatVector.fromArray(S, bias, bOff + c));
                    (relu ? v.max(zero) : v).intoArray(y, o + c);
                }
                for (; c < cols; c++) {
                    float v = y[o + c] + bias[bOff + c];
                    y[o + c] = relu ? Math.max(v, 0f) : v;
                }
            }
        });
    }

    /**
     * Column blocks of 4 vectors (whole cache lines) held in registers while the rows stream past, blocks split over
     * threads: each output is written once per block, so threads share no written line while they add.
     */
    @Override
    public void addColumnSums(int rows, int cols, float[] g, int gOff, float[] out, int outOff) {
        int w = 4 * L;
        parallelFor((cols + w - 1) / w, rows * w, (b0, b1) -> {
            for (int c0 = b0 * w; c0 < Math.min(cols, b1 * w); c0 += w) {
                if (c0 + w > cols) { // tail columns, scalar, rows in order
                    for (int c = c0; c < cols; c++) {
                        float s = out[outOff + c];
                        for (int r = 0; r < rows; r++) s += g[gOff + r * cols + c];
                        out[outOff + c] = s;
                    }
                    break;
                }
                int o = outOff + c0;
                FloatVector s0 = FloatVector.fromArray(S, out, o), s1 = FloatVector.fromArray(S, out, o + L);
                FloatVector s2 = FloatVector.fromArray(S, out, o + 2 * L), s3 = FloatVector.fromArray(S, out, o + 3 * L);
                for (int r = 0, i = gOff + c0; r < rows; r++, i += cols) {
                    s0 = s0.add(FloatVector.fromArray(S, g, i));
                    s1 = s1.add(FloatVector.fromArray(S, g, i + L));
                    s2 = s2.add(FloatVector.fromArray(S, g, i + 2 * L));
                    s3 = s3.add(FloatVector.fromArray(S, g, i + 3 * L));
                }
                s0.intoArray(out, o);
                s1.intoArray(out, o + L);
                s2.intoArray(out, o + 2 * L);
                s3.intoArray(out, o + 3 * L);
            }
        });
    }

    /**
     * Splits [0, n) into about two ranges per thread when the loop is worth it (n·cost ≥ {@link #PARALLEL_ELEMENTS}),
     * else runs it on the calling thread. Each index is computed by the same code whichever thread runs it, so the
     * results are those of the serial loop, bit for bit.
     */
    @Override
    public void parallelFor(int n, int cost, Range body) {
        if (threads == 1 || (long) n * cost < PARALLEL_ELEMENTS || n < 2 || WORKSPACE.get().serial()) body.run(0, n);
        else new RangeJob(n, 2 * threads, body).runParallel(threads);
    }

    private static void check(String op, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        if (m < 0 || n < 0 || k < 0 || aOff < 0 || bOff < 0 || cOff < 0
                || aOff + (long) m * k > a.length || bOff + (long) k * n > b.length || cOff + (long) m * n > c.length) {
            throw new IllegalArgumentException(op + ": m=" + m + " n=" + n + " k=" + k + " does not fit a[" + a.length
                    + "]@" + aOff + ", b[" + b.length + "]@" + bOff + ", c[" + c.length + "]@" + cOff);
        }
    }

    // ------------------------------------------------------------------ driver

    /** C[m,n] (+)= A·B with A(i,p) = a[aOff + i·aRs + p·aCs], B(p,j) = b[bOff + p·bRs + j·bCs], C row-major. */
    private void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, boolean acc, Epilogue epi) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!acc) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
            return;
        }
        int cRs = n, cCs = 1;
        if (n == 1 && aRs == 1 && m >= L) { // dW of a one-output layer (Aᵀ·dy): Cᵀ = dyᵀ·A is one row against A's contiguous rows,
            rowTimesMatrix(m, k, b, bOff, bRs, a, aOff, aCs, 1, c, cOff, 1, acc); // C's rows across the lanes, all in use
            return;
        }
        if (narrow(m, n, k)) {
            narrowGemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, acc);
            return;
        }
        if (transposes(m, n)) { // compute Cᵀ = Bᵀ·Aᵀ: same fma sequence per element, far less padding when n is small
            int t = m; m = n; n = t;
            float[] x = a; a = b; b = x;
            t = aOff; aOff = bOff; bOff = t;
            int aRs0 = aRs, aCs0 = aCs;
            aRs = bCs; aCs = bRs;
            bRs = aCs0; bCs = aRs0;
            cRs = 1; cCs = m;
        }
        if (m == 1 && (bCs == 1 || bRs == 1)) { // one row of C (a Q head's output, its gradient): a vector-matrix product
            rowTimesMatrix(n, k, a, aOff, aCs, b, bOff, bRs, bCs, c, cOff, cCs, acc);
            return;
        }
        Workspace ws = WORKSPACE.get();
        int kBlocks = (k + KC_MAX - 1) / KC_MAX, kcBase = (k + kBlocks - 1) / kBlocks;
        int panels = (n + NR - 1) / NR;
        // B read where it lies rather than packed: with few rows of C (packing would cost more than the product), or
        // when its rows are already NR floats apart, which is the packed layout itself (n = NR: hidden 64 with AVX-512)
        boolean inPlace = bCs == 1 && (m < PACK_MIN_ROWS || bRs == NR);
        boolean parallel = splits(m, n, k, threads) && !ws.serial(); // inside a parallel chunk (a head), or kept: stay here
        // MR-row groups dealt evenly to at least 4 chunks per thread (a worker the OS deschedules holds up little of
        // the product; equal chunks keep the threads' shares equal) of at most about MC rows; when A has too few rows
        // for that (a first layer's dW: [obs, 256]), NR-column panels of C are dealt out instead
        int groups = (m + MR - 1) / MR;
        boolean byColumns = parallel && groups < 4 * threads && panels > groups;
        int chunks = !parallel ? 1 : byColumns ? Math.min(panels, 4 * threads)
                : Math.min(groups, Math.max(4 * threads, (m + MC - 1) / MC));
        for (int pc = 0; pc < k; pc += kcBase) {
            int kc = Math.min(kcBase, k - pc);
            // B block [kc, n]: packed panels [panels, kc, NR], or only the partial last panel when read in place
            float[] bp = ws.packB(kc * panels * NR);
            int firstPacked = inPlace ? n / NR : 0;
            for (int jp = firstPacked; jp < panels; jp++) {
                packPanel(b, bOff + pc * bRs, bRs, bCs, kc, jp * NR, n, NR, bp, jp * kc * NR);
            }
            // the serial path reuses the thread's Block; a parallel one gets its own, as late workers may still read it
            Block blk = chunks == 1 ? ws.serial : new Block();
            blk.set(m, n, kc, a, aOff + pc * aCs, aRs, aCs, inPlace ? b : null, bOff + pc * bRs, bRs,
                    bp, c, cOff, cRs, cCs, pc == 0 && !acc, byColumns, chunks, epi);
            if (chunks > 1) blk.runParallel(threads);
            else {
                blk.rows(0, m, 0, panels, ws);
                blk.a = blk.bIn = blk.c = null; // do not keep the caller's arrays reachable
                blk.epi = null;
            }
        }
    }

    /** Rows per {@link #narrowKernel} group: 12 one-vector accumulators, enough to cover the fma latency. */
    static final int MR_NARROW = 12;

    /**
     * True when C has at most one vector's width of columns and many rows, in one k block: a Q head's output
     * (n = 1) or an actor's action layer (n = 2·|A|). {@link #narrowGemm} computes it.
     */
    static boolean narrow(int m, int n, int k) { return n <= L && m >= 4 * MR_NARROW && k <= KC_MAX; }

    /**
     * C[m,n] (+)= A·B for a narrow C ({@link #narrow}): B packed once into one L-wide panel, then 12 rows at a time
     * against it, each row's L lanes one vector accumulator (n of them used). The other paths took either 64-wide
     * tiles (n useful columns of 64) or Cᵀ, whose B (A's rows, read down columns) had to be packed element by
     * element: 7680×1×64, a Q head's output, ran at 4–9 GFLOP/s as scalar chains. Rows past the last whole group
     * are scalar chains. Every element is acc = fma(A(i,p), B(p,j), acc) for p = 0.. from zero, then stored or added,
     * as on every path. Row groups are split over threads.
     */
    private void narrowGemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                            float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, boolean acc) {
        float[] bp = WORKSPACE.get().packB(k * L);
        packPanel(b, bOff, bRs, bCs, k, 0, n, L, bp, 0);
        int groups = m / MR_NARROW;
        Backend.Range rows = (g0, g1) -> {
            float[] tile = WORKSPACE.get().tile;
            for (int g = g0; g < g1; g++) {
                int i = g * MR_NARROW;
                narrowKernel(k, a, aOff + i * aRs, aRs, aCs, bp, tile);
                for (int r = 0; r < MR_NARROW; r++)
                    for (int j = 0, o = cOff + (i + r) * n; j < n; j++) put(c, o + j, tile[r * L + j], !acc);
            }
        };
        if (splits(m, L, k, threads) && !WORKSPACE.get().serial()) parallelFor(groups, 2 * MR_NARROW * L * k, rows);
        else rows.run(0, groups);
        for (int i = groups * MR_NARROW; i < m; i++) { // the last rows: one scalar chain per element
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s = Math.fma(a[aOff + i * aRs + p * aCs], bp[p * L + j], s);
                put(c, cOff + i * n + j, s, !acc);
            }
        }
    }

    /** D[12, L] = A[12, k]·B[k, L] (B packed, L wide), the rows of A broadcast from where they lie; D the scratch tile. */
    private static void narrowKernel(int kc, float[] a, int ai, int ars, int acs, float[] b, float[] d) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int p = 0, bi = 0; p < kc; p++, ai += acs, bi += L) {
            FloatVector v = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(v, c0);
            c1 = FloatVector.broadcast(S, a[ai + ars]).fma(v, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2 * ars]).fma(v, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3 * ars]).fma(v, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4 * ars]).fma(v, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5 * ars]).fma(v, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6 * ars]).fma(v, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7 * ars]).fma(v, c7);
            c8 = FloatVector.broadcast(S, a[ai + 8 * ars]).fma(v, c8);
            c9 = FloatVector.broadcast(S, a[ai + 9 * ars]).fma(v, c9);
            c10 = FloatVector.broadcast(S, a[ai + 10 * ars]).fma(v, c10);
            c11 = FloatVector.broadcast(S, a[ai + 11 * ars]).fma(v, c11);
        }
        c0.intoArray(d, 0); c1.intoArray(d, L); c2.intoArray(d, 2 * L); c3.intoArray(d, 3 * L);
        c4.intoArray(d, 4 * L); c5.intoArray(d, 5 * L); c6.intoArray(d, 6 * L); c7.intoArray(d, 7 * L);
        c8.intoArray(d, 8 * L); c9.intoArray(d, 9 * L); c10.intoArray(d, 10 * L); c11.intoArray(d, 11 * L);
    }

    /**
     * C[1,n] (+)= A[1,k]·B[k,n], C(0,j) at {@code c[cOff + j·cCs]}, with the kernels' per-element sequence (k blocks
     * as {@link #gemm}, acc = fma(A(0,p), B(p,j), acc) from zero within a block, then C = acc or C = C + acc) but
     * without packing: the MR-row kernel would waste 5 of its 6 rows and copy all of B. Row-contiguous B streams its
     * rows, in order, into a row of accumulators; column-contiguous B runs 8 scalar fma chains, one per column, along
     * contiguous memory. Columns are split over threads.
     */
    private void rowTimesMatrix(int n, int k, float[] a, int aOff, int aCs, float[] b, int bOff, int bRs, int bCs,
                                float[] c, int cOff, int cCs, boolean acc) {
        int kBlocks = (k + KC_MAX - 1) / KC_MAX, kcBase = (k + kBlocks - 1) / kBlocks;
        int w = bCs == 1 ? 4 * L : 8; // columns per parallel block
        parallelFor((n + w - 1) / w, 2 * k * w, (b0, b1) -> {
            int j0 = b0 * w, j1 = Math.min(n, b1 * w);
            Workspace ws = WORKSPACE.get();
            for (int pc = 0; pc < k; pc += kcBase) {
                int kc = Math.min(kcBase, k - pc);
                boolean store = pc == 0 && !acc;
                if (bCs == 1) rowBlockStream(j1 - j0, kc, a, aOff + pc * aCs, aCs, b, bOff + pc * bRs + j0, bRs,
                        c, cOff + j0 * cCs, cCs, store, ws);
                else for (int j = j0; j < j1; j += 8) rowBlockScalars(Math.min(8, j1 - j), kc,
                        a, aOff + pc * aCs, aCs, b, bOff + pc * bRs + j * bCs, bRs, bCs, c, cOff + j * cCs, cCs, store);
            }
        });
    }

    /** C(0, 0..cols) (+)= Σ_p A(0,p)·B(p, 0..cols) over one k block, B's rows contiguous and read in order. */
    private static void rowBlockStream(int cols, int kc, float[] a, int ai, int aCs, float[] b, int bi, int bRs,
                                       float[] c, int ci, int cCs, boolean store, Workspace ws) {
        float[] s = ws.rowAcc(cols);
        java.util.Arrays.fill(s, 0, cols, 0f);
        int up = S.loopBound(cols);
        for (int p = 0; p < kc; p++, ai += aCs, bi += bRs) {
            float x = a[ai];
            FloatVector xv = FloatVector.broadcast(S, x);
            int j = 0;
            for (; j < up; j += L) xv.fma(FloatVector.fromArray(S, b, bi + j), FloatVector.fromArray(S, s, j)).intoArray(s, j);
            for (; j < cols; j++) s[j] = Math.fma(x, b[bi + j], s[j]);
        }
        for (int j = 0; j < cols; j++) {
            int o = ci + j * cCs;
            c[o] = store ? s[j] : c[o] + s[j];
        }
    }

    /**
     * C(0, 0..cols) (+)= Σ_p A(0,p)·B(p, j) over one k block for cols ≤ 8 columns, one scalar fma chain each: 8
     * independent chains keep both FMA units busy through the 4-cycle latency (4 chains ran at half the speed).
     */
    private static void rowBlockScalars(int cols, int kc, float[] a, int ai, int aCs, float[] b, int bi, int bRs, int bCs,
                                        float[] c, int ci, int cCs, boolean store) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        // columns past cols re-read column 0 (their sums are dropped)
        int i1 = bi + (cols > 1 ? bCs : 0), i2 = bi + (cols > 2 ? 2 * bCs : 0), i3 = bi + (cols > 3 ? 3 * bCs : 0);
        int i4 = bi + (cols > 4 ? 4 * bCs : 0), i5 = bi + (cols > 5 ? 5 * bCs : 0), i6 = bi + (cols > 6 ? 6 * bCs : 0);
        int i7 = bi + (cols > 7 ? 7 * bCs : 0);
        for (int p = 0, q = 0; p < kc; p++, ai += aCs, q += bRs) {
            float x = a[ai];
            s0 = Math.fma(x, b[bi + q], s0);
            s1 = Math.fma(x, b[i1 + q], s1);
            s2 = Math.fma(x, b[i2 + q], s2);
            s3 = Math.fma(x, b[i3 + q], s3);
            s4 = Math.fma(x, b[i4 + q], s4);
            s5 = Math.fma(x, b[i5 + q], s5);
            s6 = Math.fma(x, b[i6 + q], s6);
            s7 = Math.fma(x, b[i7 + q], s7);
        }
        put(c, ci, s0, store); // no array of the 8 sums: this runs once per 8 columns and k block
        if (cols > 1) put(c, ci + cCs, s1, store);
        if (cols > 2) put(c, ci + 2 * cCs, s2, store);
        if (cols > 3) put(c, ci + 3 * cCs, s3, store);
        if (cols > 4) put(c, ci + 4 * cCs, s4, store);
        if (cols > 5) put(c, ci + 5 * cCs, s5, store);
        if (cols > 6) put(c, ci + 6 * cCs, s6, store);
        if (cols > 7) put(c, ci + 7 * cCs, s7, store);
    }

    /** C = acc (store) or C = C + acc. */
    private static void put(float[] c, int o, float acc, boolean store) { c[o] = store ? acc : c[o] + acc; }

    /**
     * True when C[m,n] is computed as Cᵀ[n,m] (operands swapped): for a narrow C (n ≤ NR/4, e.g. 1 for a Q head,
     * 6 for actions) whose MR x NR tiles would pad it more that way. Cᵀ is written through the tile with strided
     * scalar stores, which only pays when most of an NR-wide panel would otherwise be padding.
     */
    static boolean transposes(int m, int n) {
        return n <= NR / 4 && (long) roundUp(m, MR) * roundUp(n, NR) > (long) roundUp(n, MR) * roundUp(m, NR);
    }

    /** True when a product of this shape (after {@link #transposes}) is split over threads; depends on the shape only. */
    static boolean splits(int m, int n, int k, int threads) {
        // a C element costs its k fmas plus about 4 fmas' worth of loads and stores (k = 1: an outer product)
        return threads > 1 && (m >= 2 * MR || n >= 2 * NR) && 2.0 * m * n * (k + 4) >= PARALLEL_FLOPS;
    }

    private static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    /**
     * Copies B(p, j0..j0+NR) for p < kc into dst[dOff + p·NR + jj], zero beyond column n (NR: the panel width, the
     * kernel's or {@link #narrowKernel}'s). Row-contiguous B is
     * copied row by row; otherwise (multTransB, or Aᵀ of a transposed product) column by column, each column's kc
     * steps read in order (plain loads and strided stores: AVX2 gathers were slower, 7% of a CQL step).
     */
    private static void packPanel(float[] b, int base, int bRs, int bCs, int kc, int j0, int n, int NR, float[] dst, int dOff) {
        int w = Math.min(NR, n - j0);
        if (bCs == 1 && w >= 16) {
            for (int p = 0; p < kc; p++) {
                int d = dOff + p * NR;
                System.arraycopy(b, base + p * bRs + j0, dst, d, w);
                if (w < NR) java.util.Arrays.fill(dst, d + w, d + NR, 0f);
            }
            return;
        }
        if (bCs == 1) { // a few columns (the narrow path's n = 1 or 6): plain loops, cheaper than two calls per row
            for (int p = 0; p < kc; p++) {
                int d = dOff + p * NR, s = base + p * bRs + j0, jj = 0;
                for (; jj < w; jj++) dst[d + jj] = b[s + jj];
                for (; jj < NR; jj++) dst[d + jj] = 0f;
            }
            return;
        }
        for (int jj = 0; jj < w; jj++) {
            int s = base + (j0 + jj) * bCs;
            for (int p = 0; p < kc; p++) dst[dOff + p * NR + jj] = b[s + p * bRs];
        }
        if (w < NR) for (int p = 0; p < kc; p++) java.util.Arrays.fill(dst, dOff + p * NR + w, dOff + p * NR + NR, 0f);
    }

    /**
     * Work split into chunks that the caller and pool workers claim one at a time ({@link #runParallel}); the caller
     * returns once every chunk is done and rethrows a chunk's failure.
     */
    private abstract static class Job {
        int chunks;
        final AtomicInteger next = new AtomicInteger(), pending = new AtomicInteger();
        volatile Thread waiter;
        volatile Throwable failure;

        /** Computes chunk {@code ch}, on whichever thread claimed it. */
        abstract void chunk(int ch, Workspace ws);

        void reset(int chunks) {
            this.chunks = chunks;
            next.set(0);
            pending.set(chunks);
        }

        /** Caller and workers claim chunks until none is left; the caller then waits for the claimed ones. */
        void runParallel(int threads) {
            waiter = Thread.currentThread();
            Pool.offer(this, Math.min(threads, chunks) - 1);
            work(WORKSPACE.get());
            for (int spins = 0; pending.get() != 0; spins++) {
                if (spins < 20_000) Thread.onSpinWait(); else LockSupport.parkNanos(this, 50_000);
            }
            if (failure != null) throw new IllegalStateException("VectorBackend: a parallel chunk failed", failure);
        }

        /** Claims and computes chunks; called by the caller and by pool workers. */
        void work(Workspace ws) {
            for (int ch; (ch = next.getAndIncrement()) < chunks; ) {
                boolean outer = ws.inJob;
                try {
                    ws.inJob = true;
                    chunk(ch, ws);
                } catch (Throwable e) { // reported by the caller, so that no thread waits for a chunk that died
                    failure = e;
                } finally {
                    ws.inJob = outer;
                    if (pending.decrementAndGet() == 0) LockSupport.unpark(waiter);
                }
            }
        }
    }

    /** {@link Backend#parallelFor}'s job: index ranges of equal length (the last one shorter). */
    private static final class RangeJob extends Job {
        final int n, step;
        final Backend.Range body;

        RangeJob(int n, int chunks, Backend.Range body) {
            this.n = n;
            this.step = (n + chunks - 1) / chunks;
            this.body = body;
            reset((n + step - 1) / step);
        }

        @Override void chunk(int ch, Workspace ws) { body.run(ch * step, Math.min(n, ch * step + step)); }
    }

    /** One k block of one product: everything a thread needs to compute a range of C rows. */
    private static final class Block extends Job {
        // written by set() before the Block is published to workers (through the pool's queue)
        int m, n, kc, aOff, aRs, aCs, bOff, bRs, cOff, cRs, cCs; // C(i,j) at cOff + i·cRs + j·cCs
        float[] a, bIn, bp, c; // bIn: B read in place (full panels), or null when every panel is packed in bp
        boolean store;         // C = acc (first k block, no accumulate), else C = C + acc
        boolean byColumns;     // chunks are ranges of NR-column panels (all rows), else ranges of MR-row groups
        Epilogue epi;          // null, or what every tile goes through (one k block, stored, row-major C)

        void set(int m, int n, int kc, float[] a, int aOff, int aRs, int aCs, float[] bIn, int bOff, int bRs,
                 float[] bp, float[] c, int cOff, int cRs, int cCs, boolean store, boolean byColumns, int chunks,
                 Epilogue epi) {
            this.m = m; this.n = n; this.kc = kc; this.a = a; this.aOff = aOff; this.aRs = aRs; this.aCs = aCs;
            this.bIn = bIn; this.bOff = bOff; this.bRs = bRs; this.bp = bp; this.c = c; this.cOff = cOff;
            this.cRs = cRs; this.cCs = cCs;
            this.store = store; this.byColumns = byColumns; this.epi = epi;
            reset(chunks);
        }

        @Override void chunk(int ch, Workspace ws) {
            // units (row groups or column panels) [ch·units/chunks, (ch+1)·units/chunks)
            int units = byColumns ? (n + NR - 1) / NR : (m + MR - 1) / MR;
            int u0 = (int) ((long) ch * units / chunks), u1 = (int) ((long) (ch + 1) * units / chunks);
            if (byColumns) rows(0, m, u0, u1, ws);
            else rows(u0 * MR, Math.min(m, u1 * MR), 0, (n + NR - 1) / NR, ws);
        }

        /**
         * The scratch tile's first rows and columns into C at {@code ci} (row-major) through {@link #epi}: the bias
         * (and ReLU) of C's columns j0.., or the mask at the same place as C. Vector lanes, then a scalar tail; each
         * element is the one float operation of the reference passes, so the same bits.
         */
        private void finish(float[] tile, int ci, int j0, int rows, int cols) {
            int up = S.loopBound(cols);
            FloatVector zero = FloatVector.zero(S);
            float[] bias = epi.bias(), mask = epi.mask();
            int bo = epi.biasOff() + j0, mShift = epi.maskOff() - cOff; // mask(i,j) sits where C(i,j) does, shifted
            boolean relu = epi.relu();
            for (int r = 0; r < rows; r++) {
                int t = r * NR, d = ci + r * cRs, md = d + mShift, j = 0;
                if (mask != null) {
                    for (; j < up; j += L) {
                        VectorMask<Float> pos = FloatVector.fromArray(S, mask, md + j).compare(VectorOperators.GT, 0f);
                        zero.add(FloatVector.fromArray(S, tile, t + j), pos).intoArray(c, d + j);
                    }
                    for (; j < cols; j++) c[d + j] = mask[md + j] > 0f ? 0f + tile[t + j] : 0f;
                } else {
                    for (; j < up; j += L) {
                        FloatVector v = FloatVector.fromArray(S, tile, t + j).add(FloatVector.fromArray(S, bias, bo + j));
                        (relu ? v.max(zero) : v).intoArray(c, d + j);
                    }
                    for (; j < cols; j++) {
                        float v = tile[t + j] + bias[bo + j];
                        c[d + j] = relu ? Math.max(v, 0f) : v;
                    }
                }
            }
        }

        /**
         * C rows [i0, i1) x panels [p0, p1) for this k block, MC rows at a time, each B panel against their row groups.
         * A full group reads A where it lies (row-major A: MR row streams; Aᵀ stored: MR contiguous floats per step):
         * at these sizes that is as fast as a packed copy and saves the copy, which cost as much as the kernel at hidden
         * 64. Only a partial last group is packed, zero padded, so that the kernel never branches on its row count.
         */
        void rows(int i0, int i1, int p0, int p1, Workspace ws) {
            float[] tile = ws.tile;
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic), groups = (mc + MR - 1) / MR, tail = mc - (groups - 1) * MR;
                float[] ap = tail < MR ? ws.packA(kc * MR) : null;
                if (ap != null) packA(a, aOff + (ic + (groups - 1) * MR) * aRs, aRs, aCs, tail, kc, ap);
                for (int j0 = p0 * NR; j0 < Math.min(n, p1 * NR); j0 += NR) {
                    int cols = Math.min(NR, n - j0);
                    float[] bs;
                    int bi, bStride;
                    if (bIn != null && cols == NR) { bs = bIn; bi = bOff + j0; bStride = bRs; }
                    else { bs = bp; bi = (j0 / NR) * kc * NR; bStride = NR; }
                    for (int g = 0; g < groups; g++) {
                        int i = ic + g * MR;
                        int rows = Math.min(MR, i1 - i), ci = cOff + i * cRs + j0 * cCs;
                        boolean packed = rows < MR;
                        float[] as = packed ? ap : a;
                        int ai = packed ? 0 : aOff + i * aRs, ars = packed ? 1 : aRs, acs = packed ? MR : aCs;
                        // a whole tile stored (C = acc, row-major C) goes straight from the registers into C, through
                        // its epilogue when there is one; any other tile goes into the scratch tile, then flush or
                        // finish: the kernels themselves never branch (class comment)
                        boolean direct = store && rows == MR && cols == NR && cCs == 1;
                        float[] dst = direct ? c : tile;
                        int di = direct ? ci : 0, dld = direct ? cRs : NR;
                        if (direct && epi != null && epi.mask() != null) {
                            int mi = ci + epi.maskOff() - cOff;
                            if (NRV == 4) kernelMask(kc, as, ai, ars, acs, bs, bi, bStride, c, ci, cRs, epi.mask(), mi);
                            else kernel2Mask(kc, as, ai, ars, acs, bs, bi, bStride, c, ci, cRs, epi.mask(), mi);
                        } else {
                            boolean bias = direct && epi != null;
                            float[] plus = bias ? epi.bias() : MINUS_ZEROS;
                            int pi = bias ? epi.biasOff() + j0 : 0;
                            float floor = bias && epi.relu() ? 0f : Float.NEGATIVE_INFINITY;
                            if (NRV == 4) kernel(kc, as, ai, ars, acs, bs, bi, bStride, dst, di, dld, plus, pi, floor);
                            else kernel2(kc, as, ai, ars, acs, bs, bi, bStride, dst, di, dld, plus, pi, floor);
                        }
                        if (!direct && epi != null) finish(tile, ci, j0, rows, cols);
                        else if (!direct) flush(tile, c, ci, cRs, cCs, rows, cols, store);
                    }
                }
            }
        }
    }

    /**
     * Copies a partial row group, A rows [0, rows) x steps [0, kc) (row r, step p at {@code a[base + r·aRs + p·aCs]}),
     * into [kc, MR], rows past {@code rows} zero.
     */
    private static void packA(float[] a, int base, int aRs, int aCs, int rows, int kc, float[] ap) {
        for (int p = 0; p < kc; p++)
            for (int r = 0; r < MR; r++) ap[p * MR + r] = r < rows ? a[base + r * aRs + p * aCs] : 0f;
    }

    // ------------------------------------------------------------------ micro-kernels

    /**
     * D[MR, NR] = max(A[MR, kc] · B[kc, NR] + P, floor), a whole tile, no branch after the loop: P(r, j) =
     * {@code plus[pi + j]} (the same row for every r: a bias), floor 0 (ReLU) or −∞. D is C itself or the scratch
     * tile ({@link #flush} then stores or adds its first rows and columns). A plain product passes P = −0 and floor
     * −∞, which leave every bit of the sum as it is (x + −0 = x, max(x, −∞) = x), so one kernel serves both and a
     * Linear layer's bias and ReLU cost no pass over C. A(r, p) at {@code a[ai + r·ars + p·acs]}; B step p at
     * {@code b[bi + p·bStride ..+NR]}; D(r, j) at {@code d[di + r·ld + j]}.
     */
    private static void kernel(int kc, float[] a, int ai, int ars, int acs, float[] b, int bi, int bStride,
                               float[] d, int di, int ld, float[] plus, int pi, float floor) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++, ai += acs, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ai + 1 * ars]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ai + 2 * ars]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ai + 3 * ars]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ai + 4 * ars]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ai + 5 * ars]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        FloatVector f = FloatVector.broadcast(S, floor);
        FloatVector q0 = FloatVector.fromArray(S, plus, pi), q1 = FloatVector.fromArray(S, plus, pi + L);
        FloatVector q2 = FloatVector.fromArray(S, plus, pi + 2 * L), q3 = FloatVector.fromArray(S, plus, pi + 3 * L);
        int e0 = di + 0 * ld;
        c00.add(q0).max(f).intoArray(d, e0); c01.add(q1).max(f).intoArray(d, e0 + 1 * L); c02.add(q2).max(f).intoArray(d, e0 + 2 * L); c03.add(q3).max(f).intoArray(d, e0 + 3 * L);
        int e1 = di + 1 * ld;
        c10.add(q0).max(f).intoArray(d, e1); c11.add(q1).max(f).intoArray(d, e1 + 1 * L); c12.add(q2).max(f).intoArray(d, e1 + 2 * L); c13.add(q3).max(f).intoArray(d, e1 + 3 * L);
        int e2 = di + 2 * ld;
        c20.add(q0).max(f).intoArray(d, e2); c21.add(q1).max(f).intoArray(d, e2 + 1 * L); c22.add(q2).max(f).intoArray(d, e2 + 2 * L); c23.add(q3).max(f).intoArray(d, e2 + 3 * L);
        int e3 = di + 3 * ld;
        c30.add(q0).max(f).intoArray(d, e3); c31.add(q1).max(f).intoArray(d, e3 + 1 * L); c32.add(q2).max(f).intoArray(d, e3 + 2 * L); c33.add(q3).max(f).intoArray(d, e3 + 3 * L);
        int e4 = di + 4 * ld;
        c40.add(q0).max(f).intoArray(d, e4); c41.add(q1).max(f).intoArray(d, e4 + 1 * L); c42.add(q2).max(f).intoArray(d, e4 + 2 * L); c43.add(q3).max(f).intoArray(d, e4 + 3 * L);
        int e5 = di + 5 * ld;
        c50.add(q0).max(f).intoArray(d, e5); c51.add(q1).max(f).intoArray(d, e5 + 1 * L); c52.add(q2).max(f).intoArray(d, e5 + 2 * L); c53.add(q3).max(f).intoArray(d, e5 + 3 * L);
    }

    /**
     * {@link #kernel}'s product with ReLU's mask, for a whole tile of a gradient written into row-major C: D(r, j) =
     * 0 + acc where M(r, j) &gt; 0, else 0, M(r, j) at {@code mask[mi + r·ld + j]} (the activation, laid out as C): the
     * bits of the product followed by {@link Backend#maskWherePositive}. A method of its own rather than a branch
     * after {@link #kernel}'s loop (see the class comment on JDK 17).
     */
    private static void kernelMask(int kc, float[] a, int ai, int ars, int acs, float[] b, int bi, int bStride,
                                   float[] d, int di, int ld, float[] mask, int mi) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++, ai += acs, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ai + 1 * ars]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ai + 2 * ars]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ai + 3 * ars]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ai + 4 * ars]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ai + 5 * ars]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        int e0 = di + 0 * ld, n0 = mi + 0 * ld;
        z.add(c00, FloatVector.fromArray(S, mask, n0).compare(VectorOperators.GT, 0f)).intoArray(d, e0); z.add(c01, FloatVector.fromArray(S, mask, n0 + 1 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e0 + 1 * L); z.add(c02, FloatVector.fromArray(S, mask, n0 + 2 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e0 + 2 * L); z.add(c03, FloatVector.fromArray(S, mask, n0 + 3 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e0 + 3 * L);
        int e1 = di + 1 * ld, n1 = mi + 1 * ld;
        z.add(c10, FloatVector.fromArray(S, mask, n1).compare(VectorOperators.GT, 0f)).intoArray(d, e1); z.add(c11, FloatVector.fromArray(S, mask, n1 + 1 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e1 + 1 * L); z.add(c12, FloatVector.fromArray(S, mask, n1 + 2 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e1 + 2 * L); z.add(c13, FloatVector.fromArray(S, mask, n1 + 3 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e1 + 3 * L);
        int e2 = di + 2 * ld, n2 = mi + 2 * ld;
        z.add(c20, FloatVector.fromArray(S, mask, n2).compare(VectorOperators.GT, 0f)).intoArray(d, e2); z.add(c21, FloatVector.fromArray(S, mask, n2 + 1 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e2 + 1 * L); z.add(c22, FloatVector.fromArray(S, mask, n2 + 2 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e2 + 2 * L); z.add(c23, FloatVector.fromArray(S, mask, n2 + 3 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e2 + 3 * L);
        int e3 = di + 3 * ld, n3 = mi + 3 * ld;
        z.add(c30, FloatVector.fromArray(S, mask, n3).compare(VectorOperators.GT, 0f)).intoArray(d, e3); z.add(c31, FloatVector.fromArray(S, mask, n3 + 1 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e3 + 1 * L); z.add(c32, FloatVector.fromArray(S, mask, n3 + 2 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e3 + 2 * L); z.add(c33, FloatVector.fromArray(S, mask, n3 + 3 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e3 + 3 * L);
        int e4 = di + 4 * ld, n4 = mi + 4 * ld;
        z.add(c40, FloatVector.fromArray(S, mask, n4).compare(VectorOperators.GT, 0f)).intoArray(d, e4); z.add(c41, FloatVector.fromArray(S, mask, n4 + 1 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e4 + 1 * L); z.add(c42, FloatVector.fromArray(S, mask, n4 + 2 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e4 + 2 * L); z.add(c43, FloatVector.fromArray(S, mask, n4 + 3 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e4 + 3 * L);
        int e5 = di + 5 * ld, n5 = mi + 5 * ld;
        z.add(c50, FloatVector.fromArray(S, mask, n5).compare(VectorOperators.GT, 0f)).intoArray(d, e5); z.add(c51, FloatVector.fromArray(S, mask, n5 + 1 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e5 + 1 * L); z.add(c52, FloatVector.fromArray(S, mask, n5 + 2 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e5 + 2 * L); z.add(c53, FloatVector.fromArray(S, mask, n5 + 3 * L).compare(VectorOperators.GT, 0f)).intoArray(d, e5 + 3 * L);
    }

    /**
     * {@link #kernel} with NRV = 2 (MR x 2 vector accumulators), for 16-register ISAs such as AVX2: the same epilogue
     * (D = max(acc + P, floor)), its two P vectors and the floor loaded after the loop, when the 12 accumulators
     * leave room for them.
     */
    private static void kernel2(int kc, float[] a, int ai, int ars, int acs, float[] b, int bi, int bStride,
                                float[] d, int di, int ld, float[] plus, int pi, float floor) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++, ai += acs, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1 * ars]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2 * ars]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3 * ars]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4 * ars]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5 * ars]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        FloatVector f = FloatVector.broadcast(S, floor);
        FloatVector q0 = FloatVector.fromArray(S, plus, pi), q1 = FloatVector.fromArray(S, plus, pi + L);
        c00.add(q0).max(f).intoArray(d, di + 0 * ld); c01.add(q1).max(f).intoArray(d, di + 0 * ld + L);
        c10.add(q0).max(f).intoArray(d, di + 1 * ld); c11.add(q1).max(f).intoArray(d, di + 1 * ld + L);
        c20.add(q0).max(f).intoArray(d, di + 2 * ld); c21.add(q1).max(f).intoArray(d, di + 2 * ld + L);
        c30.add(q0).max(f).intoArray(d, di + 3 * ld); c31.add(q1).max(f).intoArray(d, di + 3 * ld + L);
        c40.add(q0).max(f).intoArray(d, di + 4 * ld); c41.add(q1).max(f).intoArray(d, di + 4 * ld + L);
        c50.add(q0).max(f).intoArray(d, di + 5 * ld); c51.add(q1).max(f).intoArray(d, di + 5 * ld + L);
    }

    /** {@link #kernelMask} with NRV = 2: {@link #kernel2}'s loop, then ReLU's mask as {@link #kernelMask} applies it. */
    private static void kernel2Mask(int kc, float[] a, int ai, int ars, int acs, float[] b, int bi, int bStride,
                                    float[] d, int di, int ld, float[] mask, int mi) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++, ai += acs, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1 * ars]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2 * ars]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3 * ars]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4 * ars]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5 * ars]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        int e0 = di + 0 * ld, n0 = mi + 0 * ld;
        z.add(c00, FloatVector.fromArray(S, mask, n0).compare(VectorOperators.GT, 0f)).intoArray(d, e0); z.add(c01, FloatVector.fromArray(S, mask, n0 + L).compare(VectorOperators.GT, 0f)).intoArray(d, e0 + L);
        int e1 = di + 1 * ld, n1 = mi + 1 * ld;
        z.add(c10, FloatVector.fromArray(S, mask, n1).compare(VectorOperators.GT, 0f)).intoArray(d, e1); z.add(c11, FloatVector.fromArray(S, mask, n1 + L).compare(VectorOperators.GT, 0f)).intoArray(d, e1 + L);
        int e2 = di + 2 * ld, n2 = mi + 2 * ld;
        z.add(c20, FloatVector.fromArray(S, mask, n2).compare(VectorOperators.GT, 0f)).intoArray(d, e2); z.add(c21, FloatVector.fromArray(S, mask, n2 + L).compare(VectorOperators.GT, 0f)).intoArray(d, e2 + L);
        int e3 = di + 3 * ld, n3 = mi + 3 * ld;
        z.add(c30, FloatVector.fromArray(S, mask, n3).compare(VectorOperators.GT, 0f)).intoArray(d, e3); z.add(c31, FloatVector.fromArray(S, mask, n3 + L).compare(VectorOperators.GT, 0f)).intoArray(d, e3 + L);
        int e4 = di + 4 * ld, n4 = mi + 4 * ld;
        z.add(c40, FloatVector.fromArray(S, mask, n4).compare(VectorOperators.GT, 0f)).intoArray(d, e4); z.add(c41, FloatVector.fromArray(S, mask, n4 + L).compare(VectorOperators.GT, 0f)).intoArray(d, e4 + L);
        int e5 = di + 5 * ld, n5 = mi + 5 * ld;
        z.add(c50, FloatVector.fromArray(S, mask, n5).compare(VectorOperators.GT, 0f)).intoArray(d, e5); z.add(c51, FloatVector.fromArray(S, mask, n5 + L).compare(VectorOperators.GT, 0f)).intoArray(d, e5 + L);
    }

    /**
     * Tile [MR, NR] into C[rows, cols]: C = t, or C = C + t. Plain Java on purpose (C2 vectorises the add loop; scalar
     * and vector adds round alike): the Vector API stays inside the branch-free micro-kernels, see the class comment.
     */
    private static void flush(float[] tile, float[] c, int ci, int ldc, int ccs, int rows, int cols, boolean store) {
        for (int r = 0; r < rows; r++) {
            int t = r * NR, d = ci + r * ldc;
            if (ccs != 1) { // C written transposed: strided columns
                for (int j = 0; j < cols; j++) c[d + j * ccs] = store ? tile[t + j] : c[d + j * ccs] + tile[t + j];
            } else if (store) {
                System.arraycopy(tile, t, c, d, cols);
            } else {
                for (int j = 0; j < cols; j++) c[d + j] = c[d + j] + tile[t + j];
            }
        }
    }

    // ------------------------------------------------------------------ workspaces and workers

    /** Per-thread scratch, grown on demand and kept: steady-state products allocate no arrays. */
    private static final class Workspace {
        final float[] tile = new float[MR * NR]; // [MR, NR] accumulators of one micro-tile
        final Block serial = new Block();
        private float[] packB = new float[0];    // [panels, kc, NR]
        private float[] packA = new float[0];    // [kc, MR] a partial row group
        private float[] rowAcc = new float[0];   // [cols] accumulators of a one-row product
        boolean inJob;                           // running a parallel chunk: nested work stays on this thread
        boolean kept;                            // keepOnCallingThread(true): all work stays on this thread

        boolean serial() { return inJob || kept; }

        float[] rowAcc(int size) {
            if (rowAcc.length < size) rowAcc = new float[size];
            return rowAcc;
        }

        float[] packA(int size) {
            if (packA.length < size) packA = new float[size];
            return packA;
        }

        float[] packB(int size) {
            if (packB.length < size) packB = new float[Math.max(size, packB.length * 3 / 2)];
            return packB;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * Shared daemon workers that help with chunks of large products. A worker spins briefly on the queue after
     * each job (products come in bursts during training), then parks until a caller offers work.
     */
    private static final class Pool {
        private static final ConcurrentLinkedQueue<Job> QUEUE = new ConcurrentLinkedQueue<>();
        private static final long SPIN_NANOS = 50_000;
        private static volatile Worker[] workers = new Worker[0];

        /** Asks {@code helpers} workers to join job {@code blk}; starts workers on first use. */
        static void offer(Job blk, int helpers) {
            if (helpers <= 0) return;
            Worker[] ws = workers.length >= helpers ? workers : start(helpers);
            for (int h = 0; h < helpers; h++) QUEUE.offer(blk);
            for (Worker w : ws) if (w.sleeping) LockSupport.unpark(w.thread);
        }

        private static synchronized Worker[] start(int count) {
            Worker[] ws = java.util.Arrays.copyOf(workers, Math.max(count, workers.length));
            for (int i = workers.length; i < ws.length; i++) {
                ws[i] = new Worker();
                ws[i].thread = new Thread(ws[i]::loop, "forler-gemm-" + i);
                ws[i].thread.setDaemon(true);
                ws[i].thread.start();
            }
            workers = ws;
            return ws;
        }

        private static final class Worker {
            Thread thread;
            volatile boolean sleeping;

            void loop() {
                Workspace ws = WORKSPACE.get();
                long idleSince = System.nanoTime();
                while (true) {
                    Job blk = QUEUE.poll();
                    if (blk != null) {
                        blk.work(ws);
                        idleSince = System.nanoTime();
                    } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        sleeping = true; // then re-check: an offer between poll and here sees sleeping and unparks
                        if (QUEUE.isEmpty()) LockSupport.park(this);
                        sleeping = false;
                        idleSince = System.nanoTime();
                    }
                }
            }
        }
    }
}

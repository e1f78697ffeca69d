package forler.engine;

import java.util.Arrays;

import java.util.HashMap;
import java.util.Map;

/**
 * A row-major float32 tensor with reverse-mode autodiff.
 *
 * <p>Each primitive below computes its forward value and, when an input requires grad and recording is on
 * (see {@link Tape}), records its backward closure right beside it: the whole chain rule of one op sits on
 * one screen, as in micrograd. Everything else (MSE, Gaussian log-prob, the tanh-squash correction) is a
 * composition of these primitives. Every op checks shapes and names itself and both shapes when they do not fit.
 *
 * <p>Each op adds the floating-point operations it does to {@link FlopCounter} beside its forward and its backward.
 *
 * <p>Primitives: matmul, ensembleMatmul, add, sub, mul, scale, addScalar, relu, tanh, exp, log, softplus,
 * square, clamp, sum, mean, min, logsumexp, concat, repeat, take, reshape.
 */
public final class Tensor {
    /** The values, row-major; ops never write into an input's data. */
    public final float[] data;
    /** The shape; {@code data.length == product(shape)}. */
    public final int[] shape;
    /** True for parameters and for every op result that depends on one while recording. */
    final boolean requiresGrad;
    private float[] grad;
    /** Made inside an {@link Arena}: its gradient comes from the arena too (never true for a parameter). */
    private final boolean pooled;
    /** The output of a Linear+ReLU op ({@link #matmulRelu}): a consumer's product may apply its ReLU mask. */
    private boolean reluOut;
    /**
     * {@link #grad} already holds ReLU's mask (written by the one consumer that has run so far, {@link #affine}'s
     * fused dx); the producing op then skips its mask pass. Any further accumulation ({@link #ensureGrad}) clears it.
     */
    private boolean gradMasked;

    Tensor(float[] data, int[] shape, boolean requiresGrad) { this(data, shape, requiresGrad, requiresGrad && Arena.isOpen()); }

    private Tensor(float[] data, int[] shape, boolean requiresGrad, boolean pooled) {
        if (data.length != Shapes.size(shape)) {
            throw new IllegalArgumentException("tensor: " + data.length + " values do not fill shape " + Shapes.str(shape));
        }
        this.data = data;
        this.shape = shape;
        this.requiresGrad = requiresGrad;
        this.pooled = pooled;
    }

    // ------------------------------------------------------------------ construction

    /** Wraps {@code data} (not copied) as a constant of the given shape. */
    public static Tensor of(float[] data, int... shape) { return new Tensor(data, shape.clone(), false); }

    /** A trainable leaf: gradients accumulate into {@link #grad()}. */
    public static Tensor param(float[] data, int... shape) { return new Tensor(data, shape.clone(), true, false); }

    public static Tensor zeros(int... shape) { return new Tensor(new float[Shapes.size(shape)], shape.clone(), false); }

    public static Tensor scalar(float v) { return new Tensor(new float[] {v}, new int[0], false); }

    /** Standard normal entries from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shapes.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian();
        return of(d, shape);
    }

    /** Uniform entries in [lo, hi) from {@code rng}. */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[Shapes.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return of(d, shape);
    }

    /** The same values, cut from the tape: no gradient flows back through the result. */
    public Tensor detach() { return new Tensor(data, shape, false); }

    /** A deep copy of the values, as a constant. */
    public Tensor copy() { return new Tensor(data.clone(), shape.clone(), false); }

    // ------------------------------------------------------------------ accessors

    public int size() { return data.length; }

    public int rank() { return shape.length; }

    public int dim(int axis) { return shape[Shapes.axis("dim", shape, axis)]; }

    public boolean requiresGrad() { return requiresGrad; }

    /** The single value of a one-element tensor. */
    public float item() {
        if (data.length != 1) throw new IllegalStateException("item: tensor of shape " + Shapes.str(shape) + " is not a scalar");
        return data[0];
    }

    /**
     * Accumulated gradient, or null before any backward reached this tensor. For parameters and inputs, the loss's
     * gradient. For the output of an op it is the engine's working array, as in PyTorch, which keeps none for such
     * tensors: the output of {@link #matmulRelu} may hold its pre-activation's gradient (ReLU's mask applied by the
     * next layer's product).
     */
    public float[] grad() { return grad; }

    /** Sets the gradient to zero (keeps the array). */
    public void zeroGrad() {
        if (grad != null) java.util.Arrays.fill(grad, 0f);
        gradMasked = false;
    }

    float[] ensureGrad() {
        gradMasked = false; // something adds into the gradient: the producer's ReLU must mask the sum
        if (grad == null) grad = pooled ? Arena.floats(data.length, true) : new float[data.length];
        return grad;
    }

    /** The gradient array when none exists yet and the caller overwrites every element of it (no zeroing needed). */
    private float[] freshGrad() {
        if (grad == null) grad = pooled ? Arena.floats(data.length, false) : new float[data.length];
        return grad;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Tensor").append(Shapes.str(shape)).append('[');
        for (int i = 0; i < Math.min(8, data.length); i++) s.append(i == 0 ? "" : ", ").append(data[i]);
        return s.append(data.length > 8 ? ", ...]" : "]").toString();
    }

    private static Tensor result(float[] y, int[] shape, Tensor a) { return new Tensor(y, shape, Tape.needsGrad(a)); }

    private static Tensor result(float[] y, int[] shape, Tensor a, Tensor b) { return new Tensor(y, shape, Tape.needsGrad(a, b)); }

    // ------------------------------------------------------------------ products

    /** this[..., in] · w[in, out] → [..., out]. Leading dims are flattened into rows. */
    public Tensor matmul(Tensor w) { return matmul(w, null); }

    /**
     * this[..., in] · w[in, out] + bias[out] → [..., out], a Linear layer as one op: the bias is added in place to the
     * product and the product's gradient is the output's, so no second [..., out] array is made forward or backward
     * (at hidden 256 these elementwise passes are memory-bound). Same values as {@code matmul(w).add(bias)}. bias may be
     * null.
     */
    public Tensor matmul(Tensor w, Tensor bias) { return matmul(w, bias, false); }

    private Tensor matmul(Tensor w, Tensor bias, boolean relu) {
        Tensor x = this;
        if (w.rank() != 2 || x.rank() < 1 || x.shape[x.rank() - 1] != w.shape[0]) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(x.shape) + " and " + Shapes.str(w.shape)
                    + " do not fit ([..., in] x [in, out])");
        }
        int in = w.shape[0], out = w.shape[1];
        if (bias != null && (bias.rank() != 1 || bias.shape[0] != out)) {
            throw new IllegalArgumentException("matmul: bias " + Shapes.str(bias.shape) + " must be [" + out + "]");
        }
        int[] ys = x.shape.clone();
        ys[ys.length - 1] = out;
        return affine(w, bias, 1, x.size() / in, in, out, true, ys, relu);
    }

    /**
     * relu(this · w + bias), a Linear layer and its ReLU as one op: the ReLU is applied in the bias pass and its
     * gradient mask is read from the output (y &gt; 0 exactly where x·w + b &gt; 0), so no pre-activation array is kept.
     * Same values and gradients as {@code matmul(w, bias).relu()}, bit for bit.
     */
    public Tensor matmulRelu(Tensor w, Tensor bias) {
        if (bias == null) throw new IllegalArgumentException("matmulRelu: needs a bias (use matmul(w).relu() without one)");
        return matmul(w, bias, true);
    }

    /**
     * Ensemble product: this[E, B, in] (or a shared [B, in]) · w[E, in, out] → [E, B, out], head e using
     * weight slice e. One call for all heads, as SAC-N/EDAC's batched linear layers.
     */
    public Tensor ensembleMatmul(Tensor w) { return ensembleMatmul(w, null); }

    /** {@link #ensembleMatmul(Tensor)} + bias[E, 1, out] as one op, as {@link #matmul(Tensor, Tensor)}; bias may be null. */
    public Tensor ensembleMatmul(Tensor w, Tensor bias) { return ensembleMatmul(w, bias, false); }

    /** relu({@link #ensembleMatmul(Tensor, Tensor)}) as one op, as {@link #matmulRelu}. */
    public Tensor ensembleMatmulRelu(Tensor w, Tensor bias) {
        if (bias == null) throw new IllegalArgumentException("ensembleMatmulRelu: needs a bias (use ensembleMatmul(w).relu() without one)");
        return ensembleMatmul(w, bias, true);
    }

    private Tensor ensembleMatmul(Tensor w, Tensor bias, boolean relu) {
        Tensor x = this;
        boolean shared = x.rank() == 2;
        if (w.rank() != 3 || !(shared || x.rank() == 3) || x.shape[x.rank() - 1] != w.shape[1]
                || (!shared && x.shape[0] != w.shape[0])) {
            throw new IllegalArgumentException("ensembleMatmul: shapes " + Shapes.str(x.shape) + " and " + Shapes.str(w.shape)
                    + " do not fit ([E, B, in] or [B, in]) x [E, in, out]");
        }
        int e = w.shape[0], in = w.shape[1], out = w.shape[2], b = x.shape[x.rank() - 2];
        if (bias != null && (bias.rank() != 3 || bias.shape[0] != e || bias.shape[1] != 1 || bias.shape[2] != out)) {
            throw new IllegalArgumentException("ensembleMatmul: bias " + Shapes.str(bias.shape) + " must be [" + e + ", 1, "
                    + out + "]");
        }
        return affine(w, bias, e, b, in, out, shared, new int[] {e, b, out}, relu);
    }

    /**
     * y[h] = x[h]·w[h] (+ bias[h] on every row, then ReLU when {@code relu}) for heads h < e, x[h] = x when shared: forward and backward of both
     * products. x[h] [rows, in], w[h] [in, out], bias[h] [out], y[h] [rows, out]. With at least as many heads as the
     * backend has threads, heads run in parallel (each head's products on one thread, no hand-off per product);
     * otherwise heads run in turn and each product is split. Either way every element is computed the same way.
     */
    private Tensor affine(Tensor w, Tensor bias, int e, int rows, int in, int out, boolean shared, int[] ys, boolean relu) {
        Tensor x = this;
        float[] y = Arena.floats(e * rows * out, false); // every element written by the product
        Backend be = Backends.get();
        int headCost = (int) Math.min(Integer.MAX_VALUE, 2L * rows * in * out);
        forHeads(be, e, headCost, (h0, h1) -> {
            for (int h = h0; h < h1; h++) {
                int yo = h * rows * out, xo = shared ? 0 : h * rows * in;
                FlopCounter.gemm(rows, out, in);
                if (bias == null) be.mult(rows, out, in, x.data, xo, w.data, h * in * out, y, yo, false);
                else { // the bias (and ReLU) as each tile of the product is stored
                    FlopCounter.add((relu ? 2L : 1L) * rows * out); // + bias (and ReLU's max)
                    be.multBias(rows, out, in, x.data, xo, w.data, h * in * out, y, yo, bias.data, h * out, relu);
                }
            }
        });
        Tensor r = new Tensor(y, ys, Tape.needsGrad(x, w) || bias != null && Tape.needsGrad(bias));
        r.reluOut = relu;
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] g = relu && !r.gradMasked ? reluBackward(be, y, r.grad) : r.grad; // else masked by its consumer
            float[] gb = bias != null && bias.requiresGrad ? bias.ensureGrad() : null;
            // dx is stored rather than added when nothing has written x's gradient yet (the usual case: an activation
            // with one consumer), so the product writes C straight from its registers; 0 + v and v differ only in
            // the sign of a zero. When x is itself a ReLU's output, that store applies its mask too (maskX): the
            // gradient is written once, masked, instead of written, re-read and masked by x's producer
            boolean xFresh = x.requiresGrad && x.grad == null;
            boolean maskX = xFresh && x.reluOut && (!shared || e == 1);
            float[] gw = w.requiresGrad ? w.ensureGrad() : null, gx = !x.requiresGrad ? null : xFresh ? x.freshGrad() : x.ensureGrad();
            forHeads(be, e, 2 * headCost, (h0, h1) -> { // each head's own gradients
                for (int h = h0; h < h1; h++) {
                    int xo = shared ? 0 : h * rows * in, yo = h * rows * out, wo = h * in * out;
                    if (gb != null) { // db = Σ_rows dy
                        be.addColumnSums(rows, out, g, yo, gb, h * out);
                        FlopCounter.add((long) rows * out);
                    }
                    if (gx != null && !shared) { // dx = dy·wᵀ
                        if (maskX) be.multTransBMasked(rows, in, out, g, yo, w.data, wo, gx, xo, x.data, xo);
                        else be.multTransB(rows, in, out, g, yo, w.data, wo, gx, xo, !xFresh);
                        FlopCounter.gemm(rows, in, out);
                    }
                    if (gw != null) { // dw = xᵀ·dy
                        be.multTransA(in, out, rows, x.data, xo, g, yo, gw, wo, true);
                        FlopCounter.gemm(in, out, rows);
                    }
                }
            });
            if (gx != null && shared) { // every head adds into the one dx, in head order
                for (int h = 0; h < e; h++) {
                    if (maskX) be.multTransBMasked(rows, in, out, g, 0, w.data, 0, gx, 0, x.data, 0); // e = 1
                    else be.multTransB(rows, in, out, g, h * rows * out, w.data, h * in * out, gx, 0, h > 0 || !xFresh);
                    FlopCounter.gemm(rows, in, out);
                }
            }
            if (maskX) {
                x.gradMasked = true;
                FlopCounter.add(x.data.length); // ReLU's mask, counted where x's producer would have counted it
            }
        });
        return r;
    }

    /**
     * ReLU's backward from its output: the pre-activation's gradient, 0 + g where y &gt; 0 and 0 elsewhere (the bits
     * relu() gives). It lives only while the calling backward closure runs; inside an {@link Arena} it is the step's
     * reused array rather than a new zeroed one.
     */
    private static float[] reluBackward(Backend be, float[] y, float[] g) {
        float[] gx = Arena.floats(y.length, false); // every element written
        be.maskWherePositive(y.length, y, g, gx);
        FlopCounter.add(y.length); // gx = g where y > 0
        return gx;
    }

    /** Runs heads [0, e) in parallel ranges when there are at least as many as the backend's threads, else in turn. */
    private static void forHeads(Backend be, int e, int costPerHead, Backend.Range heads) {
        if (e > 1 && e >= be.threads()) be.parallelFor(e, costPerHead, heads);
        else heads.run(0, e);
    }

    // ------------------------------------------------------------------ broadcasting binary ops

    /** this + b, NumPy broadcasting (bias add: [B, out] + [out]). */
    public Tensor add(Tensor b) { return binary(BinaryOp.ADD, b); }

    /** this − b, NumPy broadcasting. */
    public Tensor sub(Tensor b) { return binary(BinaryOp.SUB, b); }

    /** this ⊙ b, NumPy broadcasting. */
    public Tensor mul(Tensor b) { return binary(BinaryOp.MUL, b); }

    /** The element-wise ops {@link #binary} computes; the name is the one shape errors show. */
    private enum BinaryOp {
        ADD("add"), SUB("sub"), MUL("mul");

        final String name;

        BinaryOp(String name) { this.name = name; }
    }

    private Tensor binary(BinaryOp op, Tensor b) {
        Tensor a = this;
        int[] os = Shapes.broadcast(op.name, a.shape, b.shape);
        int n = Shapes.size(os);
        int[] prc = Arrays.equals(a.shape, os) ? Shapes.rowBroadcast(b.shape, os) : null;
        if (prc != null) return rowBinary(b, op, os, prc[0], prc[1], prc[2]);
        int[] ia = BroadcastMaps.get(a.shape, os), ib = BroadcastMaps.get(b.shape, os);
        float[] y = Arena.floats(n, false), ad = a.data, bd = b.data;
        FlopCounter.add(n); // one +, − or × per element
        for (int o = 0; o < n; o++) {
            float u = ad[ia == null ? o : ia[o]], v = bd[ib == null ? o : ib[o]];
            y[o] = switch (op) {
                case ADD -> u + v;
                case SUB -> u - v;
                case MUL -> u * v;
            };
        }
        Tensor r = result(y, os, a, b);
        if (r.requiresGrad) Tape.record(() -> {
            float[] g = r.grad;
            if (g == null) return;
            if (a.requiresGrad) {
                float[] ga = a.ensureGrad();
                FlopCounter.add(op == BinaryOp.MUL ? 2L * n : n); // ga += g (× b)
                for (int o = 0; o < n; o++) ga[ia == null ? o : ia[o]] += op == BinaryOp.MUL ? g[o] * bd[ib == null ? o : ib[o]] : g[o];
            }
            if (b.requiresGrad) {
                float[] gb = b.ensureGrad();
                FlopCounter.add(op == BinaryOp.ADD ? n : 2L * n); // gb += g, −g or g × a
                for (int o = 0; o < n; o++) {
                    float d = switch (op) {
                        case ADD -> g[o];
                        case SUB -> -g[o];
                        case MUL -> g[o] * ad[ia == null ? o : ia[o]];
                    };
                    gb[ib == null ? o : ib[o]] += d;
                }
            }
        });
        return r;
    }

    /**
     * The bias-shaped case of {@link #binary}: this[P, R, C] op b[P, 1, C] (b = [C] for a Linear's bias, [E, 1, C] for an
     * ensemble's), as plain contiguous loops the JIT vectorises; b's gradient is the sum over the R rows. Same values,
     * in the same order of accumulation, as the general path.
     */
    private Tensor rowBinary(Tensor b, BinaryOp op, int[] os, int P, int R, int C) {
        Tensor a = this;
        float[] y = Arena.floats(a.data.length, false), ad = a.data, bd = b.data;
        FlopCounter.add(y.length); // one +, − or × per element
        for (int p = 0; p < P; p++) {
            for (int r = 0, bo = p * C; r < R; r++) {
                int o = (p * R + r) * C;
                switch (op) {
                    case ADD -> { for (int c = 0; c < C; c++) y[o + c] = ad[o + c] + bd[bo + c]; }
                    case SUB -> { for (int c = 0; c < C; c++) y[o + c] = ad[o + c] - bd[bo + c]; }
                    case MUL -> { for (int c = 0; c < C; c++) y[o + c] = ad[o + c] * bd[bo + c]; }
                }
            }
        }
        Tensor r = result(y, os, a, b);
        if (r.requiresGrad) Tape.record(() -> {
            float[] g = r.grad;
            if (g == null) return;
            if (a.requiresGrad) {
                float[] ga = a.ensureGrad();
                FlopCounter.add(op == BinaryOp.MUL ? 2L * g.length : g.length); // ga += g (× b)
                for (int p = 0; p < P; p++) {
                    for (int row = 0, bo = p * C; row < R; row++) {
                        int o = (p * R + row) * C;
                        if (op == BinaryOp.MUL) { for (int c = 0; c < C; c++) ga[o + c] += g[o + c] * bd[bo + c]; }
                        else { for (int c = 0; c < C; c++) ga[o + c] += g[o + c]; }
                    }
                }
            }
            if (b.requiresGrad) {
                float[] gb = b.ensureGrad();
                FlopCounter.add(op == BinaryOp.ADD ? g.length : 2L * g.length); // gb += g, −g or g × a
                for (int p = 0; p < P; p++) {
                    for (int row = 0, bo = p * C; row < R; row++) {
                        int o = (p * R + row) * C;
                        switch (op) {
                            case ADD -> { for (int c = 0; c < C; c++) gb[bo + c] += g[o + c]; }
                            case SUB -> { for (int c = 0; c < C; c++) gb[bo + c] += -g[o + c]; }
                            case MUL -> { for (int c = 0; c < C; c++) gb[bo + c] += g[o + c] * ad[o + c]; }
                        }
                    }
                }
            }
        });
        return r;
    }

    /** Flat index maps from a broadcast output back to an input, cached per (input, output) shape pair. */
    private static final class BroadcastMaps {
        private static final ThreadLocal<Map<String, int[]>> CACHE = ThreadLocal.withInitial(HashMap::new);

        /** null when no broadcasting is needed (same shape). */
        static int[] get(int[] in, int[] out) {
            if (java.util.Arrays.equals(in, out)) return null;
            return CACHE.get().computeIfAbsent(Shapes.str(in) + Shapes.str(out), k -> build(in, out));
        }

        private static int[] build(int[] in, int[] out) {
            int[] st = Shapes.broadcastStrides(in, out), idx = new int[out.length], map = new int[Shapes.size(out)];
            for (int o = 0, src = 0; o < map.length; o++) {
                map[o] = src;
                for (int d = out.length - 1; d >= 0; d--) { // odometer
                    idx[d]++;
                    src += st[d];
                    if (idx[d] < out[d]) break;
                    src -= st[d] * idx[d];
                    idx[d] = 0;
                }
            }
            return map;
        }
    }

    // ------------------------------------------------------------------ scalar ops

    /** c · this. */
    public Tensor scale(float c) {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // c × x
        for (int i = 0; i < y.length; i++) y[i] = c * x.data[i];
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(2L * y.length); // gx += c × g
            for (int i = 0; i < y.length; i++) gx[i] += c * r.grad[i];
        });
        return r;
    }

    /** −this. */
    public Tensor neg() { return scale(-1f); }

    /** this + c. */
    public Tensor addScalar(float c) {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // x + c
        for (int i = 0; i < y.length; i++) y[i] = x.data[i] + c;
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(y.length); // gx += g
            for (int i = 0; i < y.length; i++) gx[i] += r.grad[i];
        });
        return r;
    }

    // ------------------------------------------------------------------ elementwise unary ops

    /** max(x, 0); gradient 1 where x &gt; 0. */
    public Tensor relu() {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // max(x, 0)
        Backend be = Backends.get();
        be.parallelFor(y.length, 1, (from, to) -> { for (int i = from; i < to; i++) y[i] = Math.max(x.data[i], 0f); });
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            be.addWherePositive(y.length, x.data, r.grad, x.ensureGrad());
            FlopCounter.add(y.length); // gx += g where x > 0
        });
        return r;
    }

    /** tanh(x); gradient 1 − y². */
    public Tensor tanh() {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // tanh
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.tanh(x.data[i]);
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(4L * y.length); // gx += g × (1 − y·y)
            for (int i = 0; i < y.length; i++) gx[i] += r.grad[i] * (1f - y[i] * y[i]);
        });
        return r;
    }

    /** exp(x); gradient y. */
    public Tensor exp() {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // exp
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.exp(x.data[i]);
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(2L * y.length); // gx += g × y
            for (int i = 0; i < y.length; i++) gx[i] += r.grad[i] * y[i];
        });
        return r;
    }

    /** log(x); gradient 1/x. */
    public Tensor log() {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // log
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.log(x.data[i]);
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(2L * y.length); // gx += g / x
            for (int i = 0; i < y.length; i++) gx[i] += r.grad[i] / x.data[i];
        });
        return r;
    }

    /** log(1 + eˣ), computed stably; gradient sigmoid(x). */
    public Tensor softplus() {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(6L * y.length); // max, abs, −, exp, log1p, +
        for (int i = 0; i < y.length; i++) {
            double v = x.data[i];
            y[i] = (float) (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
        }
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(6L * y.length); // gx += g × 1 / (1 + exp(−x))
            for (int i = 0; i < y.length; i++) gx[i] += r.grad[i] * (float) (1.0 / (1.0 + Math.exp(-x.data[i])));
        });
        return r;
    }

    /** x²; gradient 2x. */
    public Tensor square() {
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(y.length); // x × x
        for (int i = 0; i < y.length; i++) y[i] = x.data[i] * x.data[i];
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(3L * y.length); // gx += 2 × x × g
            for (int i = 0; i < y.length; i++) gx[i] += 2f * x.data[i] * r.grad[i];
        });
        return r;
    }

    /** min(max(x, lo), hi); gradient 1 inside [lo, hi] (inclusive, as torch.clamp), 0 outside. */
    public Tensor clamp(float lo, float hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        Tensor x = this;
        float[] y = Arena.floats(x.size(), true);
        FlopCounter.add(2L * y.length); // min, max
        for (int i = 0; i < y.length; i++) y[i] = Math.min(Math.max(x.data[i], lo), hi);
        Tensor r = result(y, x.shape, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(y.length); // gx += g inside the window
            for (int i = 0; i < y.length; i++) if (x.data[i] >= lo && x.data[i] <= hi) gx[i] += r.grad[i];
        });
        return r;
    }

    // ------------------------------------------------------------------ reductions (outer × axis × inner)

    /** Sum over {@code axis}. */
    public Tensor sum(int axis, boolean keepDim) {
        Tensor x = this;
        int ax = Shapes.axis("sum", x.shape, axis), outer = Shapes.outer(x.shape, ax), len = x.shape[ax], inner = Shapes.inner(x.shape, ax);
        float[] y = Arena.floats(outer * inner, true);
        FlopCounter.add(x.size()); // one + per element
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < len; j++) {
                int base = (o * len + j) * inner;
                for (int i = 0; i < inner; i++) y[o * inner + i] += x.data[base + i];
            }
        Tensor r = result(y, Shapes.reduce(x.shape, ax, keepDim), x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(x.size()); // gx += g
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < len; j++) {
                    int base = (o * len + j) * inner;
                    for (int i = 0; i < inner; i++) gx[base + i] += r.grad[o * inner + i];
                }
        });
        return r;
    }

    /** Mean over {@code axis} (a scaled sum). */
    public Tensor mean(int axis, boolean keepDim) {
        int ax = Shapes.axis("mean", shape, axis);
        return sum(ax, keepDim).scale(1f / shape[ax]);
    }

    /** Sum of all elements → scalar. */
    public Tensor sum() { return reshape(size()).sum(0, false); }

    /** mean().item() off the tape: for a statistic logged after backward, which must leave no closure behind. */
    public float meanItem() {
        try (var g = Tape.noGrad()) {
            return mean().item();
        }
    }

    /** Mean of all elements → scalar. */
    public Tensor mean() { return sum().scale(1f / size()); }

    /** Minimum over {@code axis} (the ensemble min over heads); the gradient goes to the first minimiser. */
    public Tensor min(int axis, boolean keepDim) {
        Tensor x = this;
        int ax = Shapes.axis("min", x.shape, axis), outer = Shapes.outer(x.shape, ax), len = x.shape[ax], inner = Shapes.inner(x.shape, ax);
        if (len == 0) throw new IllegalArgumentException("min: empty axis in shape " + Shapes.str(x.shape));
        float[] y = Arena.floats(outer * inner, true);
        FlopCounter.add((long) outer * inner * (len - 1)); // len − 1 compares per output
        int[] arg = new int[outer * inner]; // index (into x.data) of the minimiser of each output
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int best = o * len * inner + i;
                for (int j = 1; j < len; j++) {
                    int k = (o * len + j) * inner + i;
                    if (x.data[k] < x.data[best]) best = k;
                }
                y[o * inner + i] = x.data[best];
                arg[o * inner + i] = best;
            }
        Tensor r = result(y, Shapes.reduce(x.shape, ax, keepDim), x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(arg.length); // gx += g at the minimiser
            for (int k = 0; k < arg.length; k++) gx[arg[k]] += r.grad[k];
        });
        return r;
    }

    /** log Σ exp(x) over {@code axis}, with the max subtracted first; gradient softmax(x) along the axis. */
    public Tensor logsumexp(int axis, boolean keepDim) {
        Tensor x = this;
        int ax = Shapes.axis("logsumexp", x.shape, axis), outer = Shapes.outer(x.shape, ax), len = x.shape[ax], inner = Shapes.inner(x.shape, ax);
        float[] y = Arena.floats(outer * inner, true);
        FlopCounter.add((long) outer * inner * (4L * len + 2)); // per output: len max; len −, exp, +; log, +
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) m = Math.max(m, x.data[(o * len + j) * inner + i]);
                double s = 0;
                for (int j = 0; j < len; j++) s += Math.exp(x.data[(o * len + j) * inner + i] - m);
                y[o * inner + i] = (float) (m + Math.log(s));
            }
        Tensor r = result(y, Shapes.reduce(x.shape, ax, keepDim), x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(4L * x.size()); // gx += g × exp(x − lse): −, exp, ×, +
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    float g = r.grad[o * inner + i], lse = y[o * inner + i];
                    for (int j = 0; j < len; j++) {
                        int k = (o * len + j) * inner + i;
                        gx[k] += g * (float) Math.exp(x.data[k] - lse);
                    }
                }
        });
        return r;
    }

    // ------------------------------------------------------------------ structure

    /** The same data under another shape of the same size (one dim may be −1). */
    public Tensor reshape(int... newShape) {
        Tensor x = this;
        int[] s = newShape.clone();
        int free = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (free >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shapes.str(newShape));
                free = i;
            } else known *= s[i];
        }
        if (free >= 0 && known > 0) s[free] = x.size() / known;
        if (Shapes.size(s) != x.size()) {
            throw new IllegalArgumentException("reshape: shapes " + Shapes.str(x.shape) + " and " + Shapes.str(newShape)
                    + " differ in size");
        }
        Tensor r = result(x.data, s, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(r.size()); // gx += g
            for (int i = 0; i < gx.length; i++) gx[i] += r.grad[i];
        });
        return r;
    }

    /** Joins tensors along {@code axis}; all other dims must agree. */
    public static Tensor concat(int axis, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat: no tensors");
        int[] s0 = xs[0].shape;
        int ax = Shapes.axis("concat", s0, axis), outer = Shapes.outer(s0, ax), inner = Shapes.inner(s0, ax), total = 0;
        boolean grad = false;
        for (Tensor t : xs) {
            boolean ok = t.rank() == s0.length;
            for (int d = 0; ok && d < s0.length; d++) ok = d == ax || t.shape[d] == s0[d];
            if (!ok) throw new IllegalArgumentException("concat: shapes " + Shapes.str(s0) + " and " + Shapes.str(t.shape)
                    + " differ outside axis " + ax);
            total += t.shape[ax];
            grad |= Tape.needsGrad(t);
        }
        int[] os = s0.clone();
        os[ax] = total;
        float[] y = Arena.floats(outer * total * inner, false);
        for (int o = 0, off = 0; o < outer; o++)
            for (Tensor t : xs) {
                int block = t.shape[ax] * inner;
                System.arraycopy(t.data, o * block, y, off, block);
                off += block;
            }
        Tensor r = new Tensor(y, os, grad);
        if (grad) Tape.record(() -> {
            if (r.grad == null) return;
            for (int o = 0, off = 0; o < outer; o++)
                for (Tensor t : xs) {
                    int block = t.shape[ax] * inner;
                    if (t.requiresGrad) {
                        float[] gt = t.ensureGrad();
                        FlopCounter.add(block); // gt += g
                        for (int i = 0; i < block; i++) gt[o * block + i] += r.grad[off + i];
                    }
                    off += block;
                }
        });
        return r;
    }

    /**
     * Repeats each slice along {@code axis} {@code times} times in place (torch.repeat_interleave):
     * [B, S] with axis 0, times N → [B·N, S] where rows b·N .. b·N+N−1 are copies of row b. Tiling is a
     * reshape around it: x.reshape(1, n).repeat(0, t).reshape(t·n).
     */
    public Tensor repeat(int axis, int times) {
        if (times < 1) throw new IllegalArgumentException("repeat: times must be >= 1, got " + times);
        Tensor x = this;
        int ax = Shapes.axis("repeat", x.shape, axis), outer = Shapes.outer(x.shape, ax) * x.shape[ax], inner = Shapes.inner(x.shape, ax);
        int[] os = x.shape.clone();
        os[ax] *= times;
        float[] y = Arena.floats(x.size() * times, false);
        for (int o = 0; o < outer; o++)
            for (int t = 0; t < times; t++) System.arraycopy(x.data, o * inner, y, (o * times + t) * inner, inner);
        Tensor r = result(y, os, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(r.size()); // gx += g
            for (int o = 0; o < outer; o++)
                for (int t = 0; t < times; t++) {
                    int src = (o * times + t) * inner;
                    for (int i = 0; i < inner; i++) gx[o * inner + i] += r.grad[src + i];
                }
        });
        return r;
    }

    /** Selects the slices {@code index} along {@code axis} (torch.index_select); the backward scatter-adds. */
    public Tensor take(int axis, int[] index) {
        Tensor x = this;
        int ax = Shapes.axis("take", x.shape, axis), outer = Shapes.outer(x.shape, ax), len = x.shape[ax], inner = Shapes.inner(x.shape, ax);
        for (int j : index) {
            if (j < 0 || j >= len) throw new IndexOutOfBoundsException("take: index " + j + " out of range for axis " + ax
                    + " of shape " + Shapes.str(x.shape));
        }
        int[] os = x.shape.clone();
        os[ax] = index.length;
        int[] idx = index.clone();
        float[] y = Arena.floats(outer * idx.length * inner, true);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < idx.length; j++)
                System.arraycopy(x.data, (o * len + idx[j]) * inner, y, (o * idx.length + j) * inner, inner);
        Tensor r = result(y, os, x);
        if (r.requiresGrad) Tape.record(() -> {
            if (r.grad == null) return;
            float[] gx = x.ensureGrad();
            FlopCounter.add(r.size()); // gx += g
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < idx.length; j++) {
                    int src = (o * idx.length + j) * inner, dst = (o * len + idx[j]) * inner;
                    for (int i = 0; i < inner; i++) gx[dst + i] += r.grad[src + i];
                }
        });
        return r;
    }

    /** Rows (or slices) {@code from} (inclusive) to {@code to} (exclusive) along {@code axis}. */
    public Tensor slice(int axis, int from, int to) {
        int ax = Shapes.axis("slice", shape, axis);
        if (from < 0 || to > shape[ax] || from > to) {
            throw new IndexOutOfBoundsException("slice: [" + from + ", " + to + ") out of range for axis " + ax
                    + " of shape " + Shapes.str(shape));
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return take(ax, idx);
    }
}

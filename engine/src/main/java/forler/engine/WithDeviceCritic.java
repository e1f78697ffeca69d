package forler.engine;

import forler.engine.nn.EnsembleLinear;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One backend's products with a device critic made elsewhere: e.g. the CPU's GEMMs for training with the
 * rectification's search on the GPU (the benchmarks' {@code cuda-search}), or, in tests, the CPU with the
 * kernels' Java twin as the device critic. Every other method goes to the base backend (a default left to the
 * interface would run its scalar reference instead of the base's fast path; {@code WithDeviceCriticTest} checks
 * that every default is overridden).
 */
public final class WithDeviceCritic implements Backend {
    private final Backend base;
    private final BiFunction<Integer, EnsembleLinear[], DeviceCritic> make;

    /** @param make (stateDim, layers) → a device critic holding those layers' current values */
    public WithDeviceCritic(Backend base, BiFunction<Integer, EnsembleLinear[], DeviceCritic> make) {
        this.base = base;
        this.make = make;
    }

    @Override public String name() { return base.name() + "+device-critic"; }

    @Override public void mult(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        base.mult(m, n, k, a, aOff, b, bOff, c, cOff, acc);
    }

    @Override public void multTransA(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        base.multTransA(m, n, k, a, aOff, b, bOff, c, cOff, acc);
    }

    @Override public void multTransB(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean acc) {
        base.multTransB(m, n, k, a, aOff, b, bOff, c, cOff, acc);
    }

    @Override public void multBias(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                   float[] bias, int biasOff, boolean relu) {
        base.multBias(m, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, relu);
    }

    @Override public void multTransBMasked(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                           float[] mask, int maskOff) {
        base.multTransBMasked(m, n, k, a, aOff, b, bOff, c, cOff, mask, maskOff);
    }

    @Override public void addWherePositive(int n, float[] x, float[] g, float[] gx) { base.addWherePositive(n, x, g, gx); }

    @Override public void maskWherePositive(int n, float[] x, float[] g, float[] gx) { base.maskWherePositive(n, x, g, gx); }

    @Override public void addBiasRows(int rows, int cols, float[] y, int yOff, float[] bias, int bOff, boolean relu) {
        base.addBiasRows(rows, cols, y, yOff, bias, bOff, relu);
    }

    @Override public void keepOnCallingThread(boolean keep) { base.keepOnCallingThread(keep); }

    @Override public int threads() { return base.threads(); }

    @Override public void addColumnSums(int rows, int cols, float[] g, int gOff, float[] out, int outOff) {
        base.addColumnSums(rows, cols, g, gOff, out, outOff);
    }

    @Override public void parallelFor(int n, int cost, Range body) { base.parallelFor(n, cost, body); }

    @Override public Optional<DeviceCritic> deviceCritic(int stateDim, EnsembleLinear[] layers) {
        return Optional.of(make.apply(stateDim, layers));
    }
}

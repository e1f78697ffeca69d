package forler.kernels.dev;

import forler.kernels.Cuda;
import forler.kernels.GpuBuffer;
import jcuda.driver.CUfunction;

/**
 * Launches of {@code dev/elementwise.cu} on device buffers; the formulas are in the kernel file and
 * {@link ElementwiseTwin}. Test-only: the elementwise ops of a device-resident training step, checked against their
 * twins on the GPU; training does not launch them (its elementwise work runs on the CPU).
 */
public final class ElementwiseKernels {
    private static final int THREADS = 256;

    private final Cuda cuda;
    private final CUfunction biasRelu, reluBackward, tanhForward, tanhBackward, adam, polyak, squareError, sumRows;

    public ElementwiseKernels(Cuda cuda) {
        this.cuda = cuda;
        biasRelu = cuda.function("dev/elementwise", "bias_relu");
        reluBackward = cuda.function("dev/elementwise", "relu_backward");
        tanhForward = cuda.function("dev/elementwise", "tanh_forward");
        tanhBackward = cuda.function("dev/elementwise", "tanh_backward");
        adam = cuda.function("dev/elementwise", "adam_update");
        polyak = cuda.function("dev/elementwise", "polyak_update");
        squareError = cuda.function("dev/elementwise", "square_error");
        sumRows = cuda.function("dev/elementwise", "sum_rows");
    }

    public void biasRelu(GpuBuffer y, GpuBuffer bias, int rows, int n, boolean relu) {
        elementwise(biasRelu, (long) rows * n, y, bias, rows, n, relu ? 1 : 0);
    }

    public void reluBackward(GpuBuffer dx, GpuBuffer dy, GpuBuffer y, int n) { elementwise(reluBackward, n, dx, dy, y, n); }

    public void tanhForward(GpuBuffer y, GpuBuffer x, int n) { elementwise(tanhForward, n, y, x, n); }

    public void tanhBackward(GpuBuffer dx, GpuBuffer dy, GpuBuffer y, int n) { elementwise(tanhBackward, n, dx, dy, y, n); }

    /** One Adam step {@code t >= 1} (the bias corrections are computed here, as torch does). */
    public void adam(GpuBuffer p, GpuBuffer g, GpuBuffer m, GpuBuffer v, int n, float lr, float b1, float b2, float eps, int t) {
        float bc1 = (float) (1 - Math.pow(b1, t)), sqrtBc2 = (float) Math.sqrt(1 - Math.pow(b2, t));
        elementwise(adam, n, p, g, m, v, n, lr, b1, b2, eps, bc1, sqrtBc2);
    }

    public void polyak(GpuBuffer target, GpuBuffer source, int n, float tau) { elementwise(polyak, n, target, source, n, tau); }

    public void squareError(GpuBuffer err, GpuBuffer grad, GpuBuffer pred, GpuBuffer target, int n, float scale) {
        elementwise(squareError, n, err, grad, pred, target, n, scale);
    }

    /** out[n] = Σ over rows of x[rows, n]: grid ceil(n/32), block (32, 8). */
    public void sumRows(GpuBuffer out, GpuBuffer x, int rows, int n) {
        if (n == 0) return;
        cuda.launch(sumRows, Cuda.blocks(n, 32), 1, 32, ElementwiseTwin.SUM_ROWS_PARTIALS, 0, Cuda.args(out, x, rows, n));
    }

    private void elementwise(CUfunction f, long n, Object... args) {
        if (n == 0) return;
        cuda.launch(f, Cuda.blocks(n, THREADS), 1, THREADS, 1, 0, Cuda.args(args));
    }
}

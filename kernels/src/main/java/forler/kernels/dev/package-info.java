/**
 * Kernels that training does not launch, kept beside the ones it does ({@code forler.kernels}) so a reader knows
 * which kernel runs: the first versions of the tuned kernels, kept as baselines for comparison
 * ({@link forler.kernels.dev.NaiveGemmKernels}, {@link forler.kernels.dev.SimpleCriticKernel}), kernels only tests
 * and benchmarks launch ({@link forler.kernels.dev.ElementwiseKernels}, {@link forler.kernels.dev.EnsembleMinKernel}),
 * their Java twins, and {@link forler.kernels.dev.GpuBench}, which times each kernel beside its baseline. Sources in
 * {@code kernels/src/main/cuda/dev}, PTX in {@code forler/kernels/dev/}; docs/cuda.md has the table of which
 * kernel is used by what.
 */
package forler.kernels.dev;

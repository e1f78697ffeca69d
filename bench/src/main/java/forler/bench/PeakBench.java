package forler.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ceiling for {@link GemmBench} and {@link TrainStepBench}: the fp32 FMA peak through the Vector API
 * (SPECIES_PREFERRED), 12 independent accumulator chains, no memory traffic, on one thread ({@code peakFma}) and on
 * one thread per available processor at once ({@code peakFmaAllCores}, the machine's peak: JMH sums the threads'
 * rates). Reported in GFLOP/s through the same {@code gflop} counter.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class PeakBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 10_000;

    /** Operands in fields so that the JIT cannot fold the chains. */
    public float x = 0.999f, y = 1e-3f;

    /** 12 chains × STEPS fused multiply-adds of L lanes: 24·L·STEPS flops per call. */
    @Benchmark
    public float peakFma(GemmBench.Flops f) { return chains(f); }

    /** {@link #peakFma} on every available processor at once. */
    @Benchmark
    @Threads(Threads.MAX)
    public float peakFmaAllCores(GemmBench.Flops f) { return chains(f); }

    private float chains(GemmBench.Flops f) {
        FloatVector vx = FloatVector.broadcast(S, x), vy = FloatVector.broadcast(S, y);
        FloatVector c0 = vy, c1 = vy, c2 = vy, c3 = vy, c4 = vy, c5 = vy, c6 = vy, c7 = vy, c8 = vy, c9 = vy, c10 = vy, c11 = vy;
        for (int i = 0; i < STEPS; i++) {
            c0 = vx.fma(c0, vy); c1 = vx.fma(c1, vy); c2 = vx.fma(c2, vy); c3 = vx.fma(c3, vy);
            c4 = vx.fma(c4, vy); c5 = vx.fma(c5, vy); c6 = vx.fma(c6, vy); c7 = vx.fma(c7, vy);
            c8 = vx.fma(c8, vy); c9 = vx.fma(c9, vy); c10 = vx.fma(c10, vy); c11 = vx.fma(c11, vy);
        }
        f.gflop += 24e-9 * S.length() * STEPS;
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).lane(0);
    }
}

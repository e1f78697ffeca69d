package forler.bench;

import forler.kernels.Cuda;
import forler.kernels.dev.EnsembleMinKernel;
import forler.kernels.GpuBuffer;
import forler.rl.MinQ;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost under the search's throughput: {@code cpu} evaluates one row through the real {@link MinQ}
 * (2 heads, hidden 256, pendulum dims); {@code cuda} launches the smallest kernel ({@code ensemble_min},
 * E = 2, B = 1) and synchronises. Microseconds per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss4m"})
public class LaunchOverheadBench {

    @State(Scope.Thread)
    public static class Overhead {
        @Param({"cpu", "cuda"})
        public String backend;

        MinQ minQ;
        float[] state, action = new float[1], out = new float[1];
        Cuda cuda;
        EnsembleMinKernel kernel;
        GpuBuffer in, min, arg;

        @Setup(Level.Trial)
        public void setUp() {
            SyntheticTask t = SyntheticTask.byName("pendulum");
            if (backend.equals("cuda")) {
                try {
                    cuda = Cuda.get();
                } catch (RuntimeException | LinkageError e) {
                    throw SyntheticTask.noCuda(e);
                }
                kernel = new EnsembleMinKernel(cuda);
                in = new GpuBuffer(2);
                min = new GpuBuffer(1);
                arg = new GpuBuffer(1);
                in.fill(2, 1f);
            } else {
                SyntheticTask.useBackend(backend);
                minQ = new MinQ(t.critic(3), t.obsDim(), t.actDim());
                state = t.states(1, 4);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (GpuBuffer g : new GpuBuffer[] {in, min, arg}) if (g != null) g.close();
        }
    }

    @Benchmark
    public float call(Overhead o) {
        if (o.cuda != null) {
            o.kernel.min(o.min, o.arg, o.in, 2, 1);
            o.cuda.synchronize();
            return 0f;
        }
        o.minQ.eval(o.state, 1, o.action, 1, o.out);
        return o.out[0];
    }
}

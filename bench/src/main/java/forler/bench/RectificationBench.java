package forler.bench;

import forler.rl.ActorRectification;
import forler.rl.ForlerDevice;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of a FORLER device step versus the rectification period δ (docs/design.md §Performance, experiment E7): one
 * {@link ForlerDevice} step is rectify (Algorithm 1) + critic (Eq. 3) + actor (Eq. 4) on B = 256, hidden 256.
 *
 * <p>One invocation runs a whole period, τ = 0 … δ−1: one search step (I·N + 2 Q-evaluations per state) and
 * δ−1 cached steps (2 each), so every δ is measured over the same mix it has in training. The primary score is
 * milliseconds per period; the {@code step} counter gives milliseconds per step (JMH divides the time by the
 * counted operations), {@code qEval} milliseconds per rectification Q-evaluation (its inverse is Q-evals/s), and
 * the EVENTS counters {@code qEvals} and {@code stateSteps} give the measured Q-evaluations per state per step,
 * checked against the model I·N/δ + 2 by {@link RectificationReport}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar RectificationBench -p backend=cpu \
 *      -f 1 -wi 2 -i 3 -w 1s -r 2s -rf json -rff results/rectification/rectification-cpu.json
 * </pre>
 * {@code backend=cuda} runs the same step with every GEMM on the CUDA backend (operands copied per call) and the
 * rectification's min-Q and search fused on the GPU, on device-resident critic weights ({@code DeviceMinQ});
 * {@code cuda-search} keeps the training GEMMs on the CPU and only the rectification on the GPU. Without a GPU
 * their trials stop in setup with "backend=cuda skipped: no usable CUDA device ..." and JMH goes on with the
 * others ({@code -p backend=cpu} leaves them out).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss4m"})
public class RectificationBench {

    @State(Scope.Thread)
    public static class Device {
        @Param({"1", "2", "5", "10", "20"})
        public int delta;

        @Param({"20", "64", "256"})
        public int samples;

        @Param({"3", "4"})
        public int iterations;

        @Param({"cpu", "cuda", "cuda-search"})
        public String backend;

        @Param({"pendulum"})
        public String task;

        ForlerDevice device;

        @Setup(Level.Trial)
        public void setUp() {
            SyntheticTask.useBackend(backend);
            SyntheticTask t = SyntheticTask.byName(task);
            ActorRectification.Config rcfg = ActorRectification.Config.defaults().withSearch(samples, iterations).withPeriod(delta);
            device = new ForlerDevice(0, t.dataset(10_000, 1), ForlerDevice.Config.defaults(), rcfg, 2);
        }
    }

    /** Per-iteration counters; OPERATIONS are reported as time per counted unit, EVENTS as sums. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Ops {
        public long step;   // device steps
        public long qEval;  // rectification Q-evaluations (min-over-heads rows)

        @Setup(Level.Iteration)
        public void clear() { step = qEval = 0; }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Events {
        public long qEvals;      // same count as Ops.qEval, as a plain sum
        public long stateSteps;  // B per device step

        @Setup(Level.Iteration)
        public void clear() { qEvals = stateSteps = 0; }
    }

    /** One rectification period: τ = 0 (search) … δ−1 (cached). */
    @Benchmark
    public long period(Device d, Ops ops, Events ev) {
        long before = d.device.qEvaluations();
        for (int tau = 0; tau < d.delta; tau++) d.device.step(tau);
        long evals = d.device.qEvaluations() - before;
        ops.step += d.delta;
        ops.qEval += evals;
        ev.qEvals += evals;
        ev.stateSteps += (long) d.delta * d.device.cfg.batch();
        return evals;
    }
}

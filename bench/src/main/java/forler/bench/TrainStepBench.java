package forler.bench;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.FlopCounter;
import forler.env.ActionScale;
import forler.rl.ActorRectification;
import forler.rl.Cql;
import forler.rl.DatasetTransitions;
import forler.rl.ForlerDevice;
import forler.rl.ForlerServer;
import forler.rl.Learner;
import forler.rl.SacN;
import forler.rl.Td3Bc;
import forler.rl.Transitions;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full gradient step of an offline learner (sample a minibatch, every loss, backward, Adam, targets), in steps/s,
 * and the engine's own count of the floating-point operations it does ({@link FlopCounter}), so that the secondary
 * result {@code gflop} is GFLOP/s. {@code algo}:
 * <ul>
 *   <li>{@code cql}: CQL (2 heads, tanh-Gaussian actor, α, 10 uniform + 10 π(s) + 10 π(s') actions per state);</li>
 *   <li>{@code td3bc}: TD3+BC (actor every 2nd step);</li>
 *   <li>{@code sacn2}, {@code sacn12}: SAC-N with 2 and 12 heads (12: FORLER's server for K = 6 devices, ω = 0);</li>
 *   <li>{@code forler-device-d1}, {@code forler-device-d5}: a FORLER device step ({@link ForlerDevice}: rectify with
 *       N = 20, I = 3 and δ = 1 or 5, the CQL critic, the regularised actor);</li>
 *   <li>{@code forler-server6}: a FORLER server step ({@link ForlerServer}'s SAC-N on 6 heads, the stacked pairs of
 *       K = 3 devices, with the conservative term ω_s = 1).</li>
 * </ul>
 * Batch 256, two hidden layers of {@code hidden}, pendulum (obs 3, act 1) and halfcheetah (17, 6) dimensions, random
 * data. Shapes of the PyTorch twin ({@code bench/peers/torch_train_step.py}) for cql and sacn12.
 *
 * <p>Flops per step: setup counts one period of steps with {@link FlopCounter} (2 for td3bc's delayed actor, δ for
 * a device, else 1) and divides; each invocation then adds that to {@code gflop}. The count is exact, so the ratio
 * gflop / score is the flops per step; {@link ThroughputReport} turns a JSON result into GFLOP/s and the share of
 * {@link PeakBench}'s all-core peak measured in the same run (docs/throughput.md).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar TrainStepBench
 * [-jvmArgsAppend -Dforler.backend=ejml]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStepBench {
    @Param({"cql", "td3bc", "sacn2", "sacn12", "forler-device-d1", "forler-device-d5", "forler-server6"})
    public String algo;

    @Param({"pendulum", "halfcheetah"})
    public String dims;

    @Param({"256"})
    public int batch;

    @Param({"64", "128", "256"})
    public int hidden;

    private Supplier<Object> step;
    /** Engine-counted flops of one step, averaged over one period of steps. */
    double flopsPerStep;

    @Setup
    public void setup() {
        int obs = dims.equals("pendulum") ? 3 : 17, act = dims.equals("pendulum") ? 1 : 6, n = 10_000;
        Rng r = new Rng(1);
        float[] o = new float[n * obs], a = new float[n * act], rew = new float[n], o2 = new float[n * obs]; // [N, S] [N, A] [N] [N, S]
        r.fillUniform(o, -1, 1);
        r.fillUniform(a, -1, 1);
        r.fillUniform(rew, -1, 1);
        r.fillUniform(o2, -1, 1);
        float[] lo = new float[act], hi = new float[act];
        java.util.Arrays.fill(lo, -1f);
        java.util.Arrays.fill(hi, 1f);
        Transitions data = new DatasetTransitions(new Dataset(obs, act, o, a, rew, o2, new boolean[n], new boolean[n]),
                new ActionScale(lo, hi), null);
        int period = 1; // steps after which the work per step repeats
        switch (algo) {
            case "cql" -> {
                Cql.Config d = Cql.Config.defaults();
                step = learnerStep(new Cql(obs, act, new Cql.Config(hidden, 2, d.gamma(), d.tau(), d.actorLr(), d.criticLr(),
                        d.alphaLr(), d.cqlWeight(), d.numSampled(), d.temperature()), 0), data);
            }
            case "td3bc" -> {
                Td3Bc.Config c = Td3Bc.Config.defaults().withNet(hidden, 2);
                period = c.policyDelay();
                step = learnerStep(new Td3Bc(obs, act, c, 0), data);
            }
            case "sacn2" -> step = learnerStep(new SacN(obs, act, SacN.Config.defaults().with(2, hidden, 2, 0f), 0), data);
            case "sacn12" -> step = learnerStep(new SacN(obs, act, SacN.Config.defaults().with(12, hidden, 2, 0f), 0), data);
            case "forler-device-d1", "forler-device-d5" -> {
                period = algo.endsWith("d1") ? 1 : 5;
                ForlerDevice.Config d = ForlerDevice.Config.defaults();
                ForlerDevice device = new ForlerDevice(0, data, new ForlerDevice.Config(hidden, 2, d.gamma(), d.tau(), d.actorLr(),
                        d.criticLr(), d.cqlWeight(), d.cqlSamples(), d.cqlNoise(), d.alpha1(), d.alpha2(), batch),
                        ActorRectification.Config.defaults().withSearch(20, 3).withPeriod(period), 2);
                int delta = period;
                int[] tau = {0}; // the step within the rectification period: a search every δ steps
                step = () -> device.step(tau[0]++ % delta);
            }
            case "forler-server6" -> {
                ForlerServer server = new ForlerServer(data, SacN.Config.forlerServer(3, hidden, 2, 1f, false),
                        ForlerServer.Broadcast.AVERAGE, batch, 0);
                step = learnerStep(server.learner, data);
            }
            default -> throw new IllegalArgumentException("unknown algo '" + algo + "': use cql, td3bc, sacn2, sacn12, "
                    + "forler-device-d1, forler-device-d5 or forler-server6");
        }
        int steps = period;
        flopsPerStep = (double) FlopCounter.count(() -> { for (int i = 0; i < steps; i++) step.get(); }) / steps;
        System.out.printf(java.util.Locale.ROOT, "%n%s %s hidden %d batch %d: %.4f GFLOP per step (engine count over %d step(s))%n",
                algo, dims, hidden, batch, flopsPerStep / 1e9, steps);
    }

    private Supplier<Object> learnerStep(Learner learner, Transitions data) {
        return () -> learner.update(data.sample(batch, learner.rng()));
    }

    /** One step (for {@link StepProfile} too). */
    Object runStep() { return step.get(); }

    /** One step; adds its flops to {@code gflop}, whose rate JMH reports in GFLOP/s. */
    @Benchmark
    public Object step(GemmBench.Flops f) {
        f.gflop += flopsPerStep * 1e-9;
        return step.get();
    }
}

package forler.net;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.data.PolicyProvider;
import forler.engine.Tensor;
import forler.engine.nn.Module;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Tasks;
import forler.fed.FedSimulation;
import forler.fed.Forler;
import forler.fed.ObsNorm;
import forler.net.proto.Settings;
import forler.rl.ActorRectification;
import forler.rl.DatasetTransitions;
import forler.rl.ForlerServer;
import forler.rl.Transitions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Tiny FORLER runs on random pendulum data, shared by the forler.net tests. */
final class NetFixture {
    static final String TASK = "pendulum";
    static final int DEVICE_SIZE = 300, SERVER_SIZE = 200;

    private NetFixture() {}

    /** hidden 16, batch 32, Γ local steps, a small search (N = 4, I = 2), seed 7, raw states (--obs-norm none). */
    static Settings settings(int devices, int rounds, int localSteps) { return settings(devices, rounds, localSteps, ObsNorm.NONE); }

    /** {@link #settings(int, int, int)} with the state normalisation {@code obsNorm}. */
    static Settings settings(int devices, int rounds, int localSteps, ObsNorm obsNorm) {
        ActorRectification.Config rect = ActorRectification.Config.defaults().withSearch(4, 2);
        return RunSettings.of(TASK, devices, rounds, localSteps, 16, 2, 32, 7, 0.5f, 0.1f, rect, obsNorm);
    }

    /** @param minDevices uploads a round needs before its deadline may close it (fault tests: the healthy devices) */
    static ServerNode.Options options(Settings s, Duration deadline, int minDevices, Path out) {
        return options(s, deadline, minDevices, 0, out);
    }

    /** @param evalEpisodes evaluation episodes of the global policy per round (0: none) */
    static ServerNode.Options options(Settings s, Duration deadline, int minDevices, int evalEpisodes, Path out) {
        return new ServerNode.Options(s, s.getLocalSteps(), 1f, false, ForlerServer.Broadcast.AVERAGE, deadline, minDevices, 1e4, evalEpisodes, out, false);
    }

    /** Device k's D_k, as `forler device --data random --size 300` builds it (task units). */
    static Dataset deviceData(Settings s, int k) { return data(s, DEVICE_SIZE, s.getSeed() * 100 + k); }

    /** The server's D_o, as `forler server --server-data random --server-size 200` builds it (task units). */
    static Dataset serverData(Settings s) { return data(s, SERVER_SIZE, s.getSeed() * 100 + 99); }

    private static Dataset data(Settings s, int n, long seed) {
        return DATASETS.build(new DatasetBuilder.Request(s.getTask(), DatasetBuilder.Kind.RANDOM, n, seed, null));
    }

    /** Builds the random datasets (no behaviour policy, no cache), for the networked and the in-process runs alike. */
    static final DatasetBuilder DATASETS = new DatasetBuilder(DatasetBuilder.registryEnvs(), PolicyProvider.none(), null, false);

    /** The in-process runtime (forler.fed.Forler) on the same data and settings, on raw states, after {@code rounds} rounds. */
    static Forler inProcess(Settings s, int rounds) throws Exception {
        org.junit.jupiter.api.Assertions.assertEquals(ObsNorm.NONE, RunSettings.obsNorm(s), "inProcess drives Forler on raw states");
        List<Transitions> dev = new ArrayList<>();
        for (int k = 0; k < s.getDevices(); k++) dev.add(raw(deviceData(s, k)));
        Forler f = new Forler(dev, raw(serverData(s)), new Forler.Config(s.getLocalSteps(), s.getLocalSteps(), 1f, false,
                ForlerServer.Broadcast.AVERAGE, RunSettings.device(s), RunSettings.rect(s)), s.getSeed());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int r = 0; r < rounds; r++) f.round(r, pool);
        } finally {
            pool.shutdownNow();
        }
        return f;
    }

    /**
     * `forler run --algo forler` (FedSimulation) with the settings' K, R, Γ, sizes, search, seed and --obs-norm on the
     * fixture's data (D_k random, 300; D_o random, 200), one evaluation episode every {@code evalEvery} rounds; its
     * checkpoint in {@code out}.
     *
     * @param omegaSPerHead the server's --omega-s-per-head (ω_s 1, G = Γ and the averaged broadcast as {@link #options})
     */
    static FedSimulation.Result simulate(Settings s, boolean omegaSPerHead, int evalEvery, Path out) throws Exception {
        FedSimulation.Options o = FedSimulation.Options.defaults().withAlgo("forler").withTask(s.getTask()).withDevices(s.getDevices())
                .withKinds(List.of("random")).withPerDevice(DEVICE_SIZE).withServerKinds(List.of("random")).withServerSize(SERVER_SIZE)
                .withRounds(s.getRounds()).withLocalSteps(s.getLocalSteps()).withEvalEpisodes(1).withEvalEvery(evalEvery).withSeed(s.getSeed())
                .withHidden(s.getHidden()).withDepth(s.getDepth()).withBatch(s.getBatch()).withRect(ActorRectification.Config.defaults().withPeriod(s.getDelta())
                        .withSearch(s.getSamples(), s.getIterations()).withTemperature(ActorRectification.Temperature.parse(s.getSearchTemp()))
                        .withInit(ActorRectification.Config.parseInit(s.getSearchInit()), s.getSearchInitStd()))
                .withAlpha1(s.getAlpha1()).withAlpha2(s.getAlpha2()).withObsNorm(RunSettings.obsNorm(s)).withOmegaSPerHead(omegaSPerHead).withOut(out).withQuiet(true);
        return new FedSimulation(o, DATASETS::build, new PrintStream(java.io.OutputStream.nullOutputStream())).run();
    }

    private static Transitions raw(Dataset d) {
        try (Env env = Tasks.make(TASK)) {
            return new DatasetTransitions(d, new ActionScale(env.actLow(), env.actHigh()), null);
        }
    }

    /** Fails naming the first parameter value whose bits differ, and how many differ, unless every bit is equal. */
    static void assertSameBits(Module expected, Module actual, String what) { assertSameBits(expected.params(), actual.params(), what); }

    /** Two saved states: every tensor bit-equal ({@link #assertSameBits}) and the same metadata (RNG states, step counters). */
    static void assertSameState(forler.io.StateDict expected, forler.io.StateDict actual, String what) {
        assertSameBits(expected.tensors, actual.tensors, what);
        org.junit.jupiter.api.Assertions.assertEquals(expected.meta, actual.meta, what + ": metadata");
    }

    private static void assertSameBits(Map<String, Tensor> e, Map<String, Tensor> a, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(e.keySet(), a.keySet(), what + ": parameter names");
        String first = null;
        int differ = 0, total = 0;
        for (String k : e.keySet()) {
            float[] x = e.get(k).data, y = a.get(k).data;
            org.junit.jupiter.api.Assertions.assertEquals(x.length, y.length, what + ": size of " + k);
            for (int i = 0; i < x.length; i++, total++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    if (first == null) first = k + "[" + i + "] = " + y[i] + ", expected " + x[i];
                    differ++;
                }
            }
        }
        if (differ > 0) org.junit.jupiter.api.Assertions.fail(what + ": " + differ + " of " + total + " values differ; first " + first);
    }

    /** Certificate, key and tokens for 8 devices, made once per JVM. */
    static synchronized Certs.Written certs() throws IOException {
        if (certs == null) {
            Path dir = java.nio.file.Files.createTempDirectory("forler-certs");
            certs = Certs.generate(dir, List.of(), 8);
        }
        return certs;
    }

    private static Certs.Written certs;

    /** A print stream that also keeps what was printed (to check the logged reasons). */
    static final class Capture extends PrintStream {
        private final StringBuffer text = new StringBuffer();

        Capture() { super(System.out, true); }

        @Override
        public void println(String x) {
            text.append(x).append('\n');
            super.println(x);
        }

        @Override
        public PrintStream printf(String format, Object... args) {
            text.append(String.format(format, args));
            return super.printf(format, args);
        }

        String text() { return text.toString(); }
    }
}

package forler.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.engine.Backend;
import forler.engine.Backends;
import forler.env.Env;
import forler.env.Tasks;
import forler.io.StateDict;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offline training runner: --resume continues with the same bits as an uninterrupted run, bad options fail
 * with one clear line, and short CQL and TD3+BC runs on pendulum's random data beat the untrained policy.
 */
class TrainingTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());
    private static Backend previous;

    @BeforeAll
    static void fastBackend() {
        // The thresholds were measured with the EJML backend; other backends give other (equally valid) bits.
        previous = Backends.get();
        Backends.set(Backends.byName("ejml"));
    }

    @AfterAll
    static void restoreBackend() { Backends.set(previous); }

    static Dataset pendulumRandom(int n, long seed) {
        try (Env env = Tasks.make("pendulum")) {
            return DatasetBuilder.collect(env, DatasetBuilder.uniformRandom(env), n, seed, "pendulum random", false);
        }
    }

    static OfflineTraining.Options options(String algo, int steps, int evalEvery, int evalEpisodes, Path out, boolean resume,
                                           int hidden, int batch) {
        return new OfflineTraining.Options(algo, "pendulum", steps, evalEvery, evalEpisodes, 0, out, resume, hidden, 2, batch, 3, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cql", "td3bc", "sacn"})
    void resumeGivesTheBitsOfAnUninterruptedRun(String algo, @TempDir Path dir) throws Exception {
        Dataset data = pendulumRandom(400, 1);
        int n = 10, half = 5; // odd: TD3+BC resumes between its critic-only and actor steps
        OfflineTraining.Result straight = new OfflineTraining(options(algo, n, 5, 1, dir.resolve("a"), false, 8, 16), data, QUIET).run();
        new OfflineTraining(options(algo, half, 5, 1, dir.resolve("b"), false, 8, 16), data, QUIET).run();
        OfflineTraining.Result resumed = new OfflineTraining(options(algo, n, 5, 1, dir.resolve("b"), true, 8, 16), data, QUIET).run();
        StateDict a = straight.learner().state(), b = resumed.learner().state();
        assertEquals(a.tensors.keySet(), b.tensors.keySet());
        for (String k : a.tensors.keySet()) {
            float[] x = a.tensors.get(k).data, y = b.tensors.get(k).data;
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), algo + " " + k + "[" + i + "]");
            }
        }
        assertEquals(a.meta, b.meta, "optimiser step counts and RNG states");
        assertEquals(straight.rows().size(), resumed.rows().size(), "log rows (steps 0, 5, 10)");
        assertEquals(straight.rows().get(2).get("score"), resumed.rows().get(2).get("score"));
        assertTrue(Files.exists(dir.resolve("b").resolve("curve.png")) && Files.exists(dir.resolve("b").resolve("train.json")));
        // a checkpoint of another algorithm is refused
        String other = algo.equals("cql") ? "td3bc" : "cql";
        var e = assertThrows(IllegalArgumentException.class,
                () -> new OfflineTraining(options(other, n, 5, 1, dir.resolve("b"), true, 8, 16), data, QUIET).run());
        assertTrue(e.getMessage().contains("--algo " + algo), e.getMessage());
    }

    @Test
    void badOptionsFailWithOneLineNamingTheFlag() {
        Path out = Path.of("unused");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options("bcq", 10, 5, 1, out, false, 8, 16))
                .getMessage().contains("--algo 'bcq'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options("cql", -1, 5, 1, out, false, 8, 16))
                .getMessage().contains("--steps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options("cql", 10, 0, 1, out, false, 8, 16))
                .getMessage().contains("--eval-every"));
    }

    static Dataset swingUpData() {
        try (Env env = Tasks.make("pendulum")) {
            return DatasetBuilder.collect(env, forler.env.PendulumSwingUp.POLICY, 10_000, 1, "pendulum noisy swing-up", false);
        }
    }

    static String scores(List<Map<String, Double>> rows) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Double> r : rows) b.append(String.format(" %d:%.1f", r.get("step").intValue(), r.get("score")));
        return b.toString().trim();
    }

    /** Mean score of the last {@code k} evaluations. */
    static double lastScores(List<Map<String, Double>> rows, int k) {
        double s = 0;
        for (int i = rows.size() - k; i < rows.size(); i++) s += rows.get(i).get("score") / k;
        return s;
    }

    @Test
    void td3bcLearnsFromNoisySwingUpData(@TempDir Path dir) throws Exception {
        // TD3+BC's defaults (α 2.5, lr 3e-4, noise 0.2/0.5, delay 2) with a small net: hidden 64 × 2, batch 128.
        List<Map<String, Double>> rows = new OfflineTraining(options("td3bc", 2000, 500, 10, dir, false, 64, 128), swingUpData(), QUIET)
                .run().rows();
        double before = rows.get(0).get("score"), after = lastScores(rows, 2);
        System.out.printf("TD3+BC pendulum: score %.1f untrained -> %.1f (mean of the evaluations at 1500 and 2000 steps); all: %s%n",
                before, after, scores(rows));
        assertTrue(after > 50 && after > before + 40, "TD3+BC: " + before + " -> " + after);
    }

    @Test
    void cqlLearnsFromNoisySwingUpData(@TempDir Path dir) throws Exception {
        // Small and fast: hidden 64 × 2, batch 64, 4 sampled actions of each kind, critic lr 1e-3 (actor and α 3e-4).
        Cql.Config d = Cql.Config.defaults();
        Cql cql = new Cql(3, 1, new Cql.Config(64, 2, d.gamma(), d.tau(), 3e-4f, 1e-3f, 3e-4f, d.cqlWeight(), 4, d.temperature()), 0);
        List<Map<String, Double>> rows = new OfflineTraining(options("cql", 2400, 400, 10, dir, false, 64, 64), swingUpData(), QUIET)
                .run(cql).rows();
        double before = rows.get(0).get("score"), after = lastScores(rows, 3);
        System.out.printf("CQL pendulum: score %.1f untrained -> %.1f (mean of the evaluations at 1600, 2000, 2400 steps); all: %s%n",
                before, after, scores(rows));
        assertTrue(after > 30 && after > before + 40, "CQL: " + before + " -> " + after);
    }
}

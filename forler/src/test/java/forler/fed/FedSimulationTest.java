package forler.fed;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.DatasetBuilder;
import forler.data.PolicyProvider;
import forler.rl.ActorRectification;
import forler.rl.ForlerServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FedSimulationTest {
    static FedSimulation.Options tiny(String algo, int rounds, Path out, boolean resume, int delta) {
        return tiny(algo, rounds, out, resume, delta, 1f);
    }

    static FedSimulation.Options tiny(String algo, int rounds, Path out, boolean resume, int delta, float omegaS) {
        return tiny(algo, rounds, out, resume, delta, omegaS, 0);
    }

    static FedSimulation.Options tiny(String algo, int rounds, Path out, boolean resume, int delta, float omegaS, int serverSteps) {
        return FedSimulation.Options.defaults().withAlgo(algo).withTask("pendulum").withDevices(2).withKinds(List.of("random"))
                .withPerDevice(400).withServerSize(100).withRounds(rounds).withLocalSteps(6).withEvalEpisodes(1).withSeed(3)
                .withOut(out).withResume(resume).withHidden(16).withDepth(1).withBatch(32)
                .withRect(ActorRectification.Config.defaults().withSearch(5, 2).withPeriod(delta)).withOmegaS(omegaS)
                .withServerSteps(serverSteps).withQuiet(true);
    }

    static FedSimulation.Result run(FedSimulation.Options o) throws Exception {
        DatasetBuilder b = new DatasetBuilder(DatasetBuilder.registryEnvs(), PolicyProvider.none(), null, false);
        return new FedSimulation(o, b::build, new PrintStream(new ByteArrayOutputStream())).run();
    }

    @Test
    void resumeContinuesBitExactly(@TempDir Path dir) throws Exception {
        for (String algo : List.of("forler", "fedcql")) {
            Path a = dir.resolve(algo + "-straight"), b = dir.resolve(algo + "-resumed");
            Map<String, Double> straight = run(tiny(algo, 3, a, false, 2)).last();
            run(tiny(algo, 1, b, false, 2));
            Map<String, Double> resumed = run(tiny(algo, 3, b, true, 2)).last();
            assertEquals(straight.keySet(), resumed.keySet(), algo + ": columns");
            for (String k : straight.keySet()) {
                if (!timed(k)) assertEquals(straight.get(k), resumed.get(k), algo + " " + k); // q_evals too: it counts from round 0
            }
            assertArrayEquals(Files.readAllBytes(a.resolve("checkpoint.safetensors")), Files.readAllBytes(b.resolve("checkpoint.safetensors")),
                    algo + ": checkpoints after round 2 differ");
            assertEquals(3, forler.io.RunLog.readCsv(b.resolve("rounds.csv")).size());
            assertTrue(Files.exists(b.resolve("curve.png")));
        }
    }

    @Test
    void forlerLogsTheRectificationCostModel(@TempDir Path dir) throws Exception {
        // Γ = 6 local steps, δ = 3, N = 5, I = 2: two search steps per round → I·N/δ + 2 = 10/3 + 2 per state per step.
        Map<String, Double> last = run(tiny("forler", 1, dir, false, 3)).last();
        assertEquals(10.0 / 3 + 2, last.get("device_q_evals_per_state"), 1e-9);
    }

    @Test
    void omegaSReachesTheServersConservativeTerm(@TempDir Path dir) throws Exception {
        // ω_s = 0 is plain SAC-N: the server logs no conservative term; ω_s = 1 logs one; the run's info records ω_s.
        double off = run(tiny("forler", 1, dir.resolve("w0"), false, 1, 0f)).last().get("server_conservative");
        double on = run(tiny("forler", 1, dir.resolve("w1"), false, 1, 1f)).last().get("server_conservative");
        assertEquals(0.0, off, "ω_s = 0 must switch the conservative term off");
        assertNotEquals(0.0, on, "ω_s = 1 must log a conservative term");
        assertTrue(Files.readString(dir.resolve("w0").resolve("rounds.json")).contains("\"omega_s\": \"0.0\""));
    }

    @Test
    void serverStepsDefaultToTheLocalStepsAndCanBeSet(@TempDir Path dir) throws Exception {
        // Γ = 6: G = 0 means 6 server steps, the same run as G = 6 bit for bit; G = 2 trains π_o less.
        Map<String, Double> byDefault = run(tiny("forler", 1, dir.resolve("g0"), false, 1, 1f, 0)).last();
        Map<String, Double> six = run(tiny("forler", 1, dir.resolve("g6"), false, 1, 1f, 6)).last();
        Map<String, Double> two = run(tiny("forler", 1, dir.resolve("g2"), false, 1, 1f, 2)).last();
        assertEquals(six.get("global_return"), byDefault.get("global_return"));
        assertEquals(six.get("server_actor_loss"), byDefault.get("server_actor_loss"));
        assertNotEquals(six.get("server_actor_loss"), two.get("server_actor_loss"));
        assertTrue(Files.readString(dir.resolve("g0").resolve("rounds.json")).contains("\"server_steps\": \"6\""));
        assertTrue(Files.readString(dir.resolve("g2").resolve("rounds.json")).contains("\"server_steps\": \"2\""));
    }

    @Test
    void theRunsInfoRecordsEverySettingThatChangesItsNumbers(@TempDir Path dir) throws Exception {
        run(tiny("forler", 1, dir, false, 3));
        String json = Files.readString(dir.resolve("rounds.json"));
        for (String kv : List.of("\"size\": \"400\"", "\"server_size\": \"100\"", "\"rounds\": \"1\"", "\"delta\": \"3\"",
                "\"samples\": \"5\"", "\"iterations\": \"2\"", "\"alpha1\": \"0.5\"", "\"alpha2\": \"0.1\"",
                "\"hidden\": \"16\"", "\"depth\": \"1\"", "\"batch\": \"32\"", "\"eval_episodes\": \"1\"")) {
            assertTrue(json.contains(kv), kv + " missing from rounds.json's info: " + json);
        }
    }

    /** The columns that measure time (wall_s and the round's phases, device_s … checkpoint_s). */
    static boolean timed(String column) { return column.endsWith("_s"); }

    /** rounds.csv's rows without the columns that measure time. */
    static List<Map<String, Double>> untimedCsv(Path run) throws Exception {
        List<Map<String, Double>> rows = forler.io.RunLog.readCsv(run.resolve("rounds.csv"));
        for (Map<String, Double> r : rows) r.keySet().removeIf(FedSimulationTest::timed);
        return rows;
    }

    /** Device threads by default: one per device up to the processors; centralized CQL, one learner, gets one. */
    @Test
    void defaultDeviceThreadsAreTheLearnersUpToTheProcessors(@TempDir Path dir) {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(3, cores), tiny("forler", 1, dir, false, 2).withDevices(3).deviceThreadsOrDefault());
        assertEquals(Math.min(6, cores), tiny("fedora", 1, dir, false, 2).withDevices(6).deviceThreadsOrDefault());
        assertEquals(1, tiny("cql", 1, dir, false, 2).withDevices(3).deviceThreadsOrDefault());
        assertEquals(4, tiny("cql", 1, dir, false, 2).withDevices(3).withDeviceThreads(4).deviceThreadsOrDefault());
    }

    /** 3 devices × 25 local steps: on 2 threads the devices' steps go in chunks (10, 10, 5) from thread to thread. */
    @Test
    void theNumberOfDeviceThreadsChangesNoNumber(@TempDir Path dir) throws Exception {
        for (String algo : List.of("forler", "fedcql", "fedora")) {
            for (int threads : new int[] {1, 2, 3}) {
                run(tiny(algo, 2, dir.resolve(algo + "-" + threads), false, 2).withDevices(3).withLocalSteps(25).withDeviceThreads(threads));
            }
            List<Map<String, Double>> one = untimedCsv(dir.resolve(algo + "-1"));
            assertTrue(one.get(1).containsKey("global_score") && one.get(1).containsKey("device_critic_loss"), one.get(1).toString());
            for (int threads : new int[] {2, 3}) {
                assertEquals(one, untimedCsv(dir.resolve(algo + "-" + threads)), algo + ": 1 and " + threads + " device threads must give the same rounds.csv");
                assertArrayEquals(Files.readAllBytes(dir.resolve(algo + "-1").resolve("checkpoint.safetensors")),
                        Files.readAllBytes(dir.resolve(algo + "-" + threads).resolve("checkpoint.safetensors")), algo + ": checkpoints differ");
            }
        }
    }

    /**
     * The arena (forler.engine.Arena) changes no number, and nothing made inside a training step is used after it:
     * with the arrays given back filled with NaN, every method's rounds.csv and checkpoint are the same bits as without
     * arenas (a use after close would read NaN).
     */
    @Test
    void stepArenasChangeNoNumberAndNothingOutlivesTheirStep(@TempDir Path dir) throws Exception {
        try {
            for (String algo : List.of("forler", "fedcql", "fedtd3bc", "fedora", "cql")) {
                forler.engine.Arena.configure(false, false);
                run(tiny(algo, 2, dir.resolve(algo + "-off"), false, 2));
                forler.engine.Arena.configure(true, true);
                run(tiny(algo, 2, dir.resolve(algo + "-poisoned"), false, 2));
                List<Map<String, Double>> off = untimedCsv(dir.resolve(algo + "-off")), on = untimedCsv(dir.resolve(algo + "-poisoned"));
                assertTrue(off.get(1).containsKey("global_score"), off.get(1).toString());
                assertEquals(off, on, algo + ": rounds.csv with and without arenas");
                assertArrayEquals(Files.readAllBytes(dir.resolve(algo + "-off").resolve("checkpoint.safetensors")),
                        Files.readAllBytes(dir.resolve(algo + "-poisoned").resolve("checkpoint.safetensors")), algo + ": checkpoints differ");
            }
        } finally {
            forler.engine.Arena.configure(true, false);
        }
    }

    @Test
    void evalEveryScoresEveryNthAndTheLastRoundOnlyAndChangesNoTraining(@TempDir Path dir) throws Exception {
        List<Map<String, Double>> every = run(tiny("fedcql", 5, dir.resolve("every"), false, 1)).rows();
        List<Map<String, Double>> third = run(tiny("fedcql", 5, dir.resolve("third"), false, 1).withEvalEvery(3)).rows();
        for (int r = 0; r < 5; r++) {
            boolean evaluated = r == 2 || r == 4; // every 3rd round (r + 1 = 3) and the last
            for (String k : List.of("global_score", "global_return", "local_score_0", "local_score_mean")) {
                if (evaluated) assertEquals(every.get(r).get(k), third.get(r).get(k), "round " + r + " " + k);
                else assertTrue(third.get(r).get(k).isNaN(), "round " + r + " " + k + " must be NaN, got " + third.get(r).get(k));
            }
            assertEquals(every.get(r).get("device_critic_loss"), third.get(r).get("device_critic_loss"), "round " + r + ": training changed");
        }
        assertTrue(Files.readAllLines(dir.resolve("third").resolve("rounds.csv")).get(1).contains("NaN"));
        assertEquals((every.get(2).get("global_score") + every.get(4).get("global_score")) / 2,
                Summary.Rule.DEFAULT.select(third, dir).stream().mapToDouble(r -> r.get("global_score")).average().orElseThrow(), 1e-12,
                "the score of a run is the mean of its last evaluations");
        assertTrue(Files.size(dir.resolve("third").resolve("curve.png")) > 0);
        assertTrue(Files.readString(dir.resolve("third").resolve("rounds.json")).contains("\"eval_every\": \"3\""));
    }

    @Test
    void theRoundsTimeIsBrokenDownByPhase(@TempDir Path dir) throws Exception {
        Map<String, Double> last = run(tiny("forler", 1, dir, false, 1)).last();
        for (String k : List.of("device_s", "rectify_s", "server_s", "eval_s", "checkpoint_s")) {
            assertTrue(last.get(k) > 0, k + " must be a positive time, got " + last.get(k));
        }
        // the rectification is part of the device phase: no device spends more in it than the phase lasts
        assertTrue(last.get("rectify_s") <= last.get("device_s"), last.toString());
        Map<String, Double> csv = forler.io.RunLog.readCsv(dir.resolve("rounds.csv")).get(0);
        assertEquals(last.get("checkpoint_s"), csv.get("checkpoint_s"), 1e-5 * last.get("checkpoint_s"), "checkpoint_s reaches rounds.csv");
    }

    @Test
    void centralizedCqlTakesTheFederatedTotalOfStepsPerRound(@TempDir Path dir) throws Exception {
        // K = 2 devices × Γ = 6: the one learner on the pooled data takes 12 steps per round
        List<Map<String, Double>> rows = run(tiny("cql", 2, dir, false, 1)).rows();
        assertEquals(12.0, rows.get(0).get("steps"));
        assertEquals(24.0, rows.get(1).get("steps"));
        assertEquals(1, rows.get(0).keySet().stream().filter(k -> k.startsWith("local_score_") && !k.equals("local_score_mean")).count());
    }

    @Test
    void optionsEditsAreCopiesAndTheNewSettingsAreRecorded() {
        FedSimulation.Options base = FedSimulation.Options.defaults();
        FedSimulation.Options edited = base.withOmegaSPerHead(true).withBroadcast(ForlerServer.Broadcast.MIX).withObsNorm(ObsNorm.NONE)
                .withRect(base.rect().withTemperature(ActorRectification.Temperature.SPREAD)).withEvalEvery(10).withDeviceThreads(2)
                .withAdversary(Adversary.INFLATE).withRejectOutliers(true);
        assertEquals(ObsNorm.SERVER, base.obsNorm());
        assertEquals(1, base.evalEvery());
        Map<String, String> s = edited.settings();
        assertEquals("true", s.get("--omega-s-per-head"));
        assertEquals("mix", s.get("--broadcast"));
        assertEquals("none", s.get("--obs-norm"));
        assertEquals("spread", s.get("--search-temp"));
        assertEquals("inflate", s.get("--adversary"));
        assertEquals("true", s.get("--reject-outliers"));
        assertEquals("none", base.settings().get("--adversary"));
        assertEquals(base.settings().keySet(), s.keySet());
        assertFalse(s.containsKey("--eval-every") || s.containsKey("--device-threads"), "they change no numbers: " + s);
        assertEquals(3, base.withTask("hopper").depth(), "depth 0 means the task's default");
        assertEquals(2, base.depth());
    }

    @Test
    void aCheckpointFromBeforeTheCommonNormalisationIsContinuedOnlyWithItsRule(@TempDir Path dir) throws Exception {
        run(tiny("forler", 1, dir, false, 1).withObsNorm(ObsNorm.NONE));
        // as a checkpoint written before --obs-norm was recorded: the former rule for FORLER was none
        Path ckpt = dir.resolve("checkpoint.safetensors");
        forler.io.StateDict s = forler.io.StateDict.read(ckpt);
        s.meta.remove("setting--obs-norm");
        s.save(ckpt);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(tiny("forler", 2, dir, true, 1)));
        assertTrue(e.getMessage().contains("--obs-norm none"), e.getMessage());
        assertEquals(2, run(tiny("forler", 2, dir, true, 1).withObsNorm(ObsNorm.NONE)).rows().size());
    }

    @Test
    void unknownAlgorithmIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(tiny("fedprox", 1, dir, false, 1)));
        assertTrue(e.getMessage().contains("fedprox") && e.getMessage().contains("forler"), e.getMessage());
    }
}

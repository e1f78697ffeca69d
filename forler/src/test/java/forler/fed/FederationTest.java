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

class FederationTest {
    static Federation.Options tiny(String algo, int rounds, Path out, boolean resume, int delta) {
        return tiny(algo, rounds, out, resume, delta, 1f);
    }

    static Federation.Options tiny(String algo, int rounds, Path out, boolean resume, int delta, float omegaS) {
        return tiny(algo, rounds, out, resume, delta, omegaS, 0);
    }

    static Federation.Options tiny(String algo, int rounds, Path out, boolean resume, int delta, float omegaS, int serverSteps) {
        return new Federation.Options(algo, "pendulum", 2, List.of("random"), 400, 100, List.of(), rounds, 6, 1, 3, out, resume, 16, 1, 32,
                ActorRectification.Config.defaults().withSearch(5, 2).withPeriod(delta), 0.5f, 0.1f, omegaS, serverSteps,
                ForlerServer.Broadcast.AVERAGE, true);
    }

    static Federation.Result run(Federation.Options o) throws Exception {
        DatasetBuilder b = new DatasetBuilder(DatasetBuilder.registryEnvs(), PolicyProvider.none(), null, false);
        return new Federation(o, b::build, new PrintStream(new ByteArrayOutputStream())).run();
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
                if (!k.equals("wall_s")) assertEquals(straight.get(k), resumed.get(k), algo + " " + k); // q_evals too: it counts from round 0
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

    @Test
    void unknownAlgorithmIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(tiny("fedprox", 1, dir, false, 1)));
        assertTrue(e.getMessage().contains("fedprox") && e.getMessage().contains("forler"), e.getMessage());
    }
}

package forler.fed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.io.RunLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment summaries, on hand-written runs: an experiment whose runs are already complete reads their
 * {@code rounds.csv} and trains nothing, so the scores it reports can be checked against hand-computed ones.
 */
class ExperimentsTest {
    static final int ROUNDS = 4;

    /** A finished run: every round the same global score; devices 0–3 score {@code good}, devices 4–5 {@code bad}. */
    static void writeRun(Path runs, String label, int seed, int devices, double global, double good, double bad) throws Exception {
        StringBuilder b = new StringBuilder("round,global_score");
        for (int k = 0; k < devices; k++) b.append(",local_score_").append(k);
        b.append(",local_score_mean,wall_s\n");
        double mean = (4 * good + (devices - 4) * bad) / devices;
        for (int r = 0; r < ROUNDS; r++) {
            b.append(r).append(',').append(global);
            for (int k = 0; k < devices; k++) b.append(',').append(k < 4 ? good : bad);
            b.append(',').append(mean).append(',').append(r + 1).append('\n');
        }
        Path dir = runs.resolve(label + "-s" + seed);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rounds.csv"), b.toString());
    }

    /** Writes each hand-written run's rounds.json with the settings of the run the experiment asks for (else it would run it again). */
    static void recordSettings(Map<Path, Federation.Options> runs) throws Exception {
        for (Map.Entry<Path, Federation.Options> r : runs.entrySet()) {
            Path csv = r.getKey().resolve("rounds.csv");
            String rows = Files.readString(csv); // kept as written: RunLog would round the hand-computed scores to 6 digits
            RunLog log = new RunLog(r.getKey(), "rounds");
            Experiments.recordedInfo(r.getValue()).forEach(log::info);
            log.restore(RunLog.readCsv(csv));
            log.flush();
            Files.writeString(csv, rows);
        }
    }

    @Test
    void aRunMadeWithOtherSettingsIsRunAgain(@TempDir Path out) throws Exception {
        // every run records the settings asked for, except one that says hidden 32 where the experiment asks 16:
        // that one alone is run again (the dataset function is the first thing a run calls)
        Path runs = out.resolve("e5").resolve("runs");
        for (String algo : List.of("forler", "fedcql", "fedtd3bc", "fedora"))
            for (int s = 0; s < 1; s++) {
                writeRun(runs, algo + "-4good", s, 4, 10, 20, 0);
                writeRun(runs, algo + "-4good+2random", s, 6, 5, 20, -40);
            }
        Federation.Options base = FederationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        Experiments e = new Experiments(base, List.of("pendulum"), 1, out, r -> {
            built.incrementAndGet();
            throw new IllegalStateException("trains: " + r);
        }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        recordSettings(e.runs("e5"));
        Path edited = runs.resolve("forler-4good-s0").resolve("rounds.json");
        Files.writeString(edited, Files.readString(edited).replace("\"hidden\": \"16\"", "\"hidden\": \"32\""));
        IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> e.run("e5"));
        assertTrue(x.getMessage().startsWith("trains:"), x.getMessage());
        assertEquals(1, built.get(), "only the run made with other settings is run again");
    }

    @Test
    void e5ReportsTheGoodDevicesLocalScoreAndTheShareKept(@TempDir Path out) throws Exception {
        Path runs = out.resolve("e5").resolve("runs");
        for (String algo : List.of("forler", "fedcql", "fedtd3bc", "fedora"))
            for (int s = 0; s < 2; s++) {
                writeRun(runs, algo + "-4good", s, 4, 10, 20 + 10 * s, 0);
                writeRun(runs, algo + "-4good+2random", s, 6, 5, 20 + 10 * s, -40); // random peers score −40 locally
            }
        Federation.Options base = FederationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Experiments e = new Experiments(base, List.of("pendulum"), 2, out, r -> {
            throw new AssertionError("nothing should train: every run is complete");
        }, new PrintStream(log, true, StandardCharsets.UTF_8));
        recordSettings(e.runs("e5"));

        List<Map<String, Double>> rows = e.run("e5");

        assertEquals(8, rows.size());
        Map<String, Double> clean = rows.get(0), polluted = rows.get(1);
        assertEquals(10, clean.get("global_mean"), 1e-9);
        assertEquals(25, clean.get("local_good_mean"), 1e-9);
        assertEquals(Math.sqrt(50), clean.get("local_good_std"), 1e-9); // seeds 20 and 30
        assertEquals(5, polluted.get("global_mean"), 1e-9);
        assertEquals(25, polluted.get("local_good_mean"), 1e-9);           // the random devices are left out …
        assertEquals((4 * 25 - 2 * 40) / 6.0, polluted.get("local_mean"), 1e-9); // … of this one only
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("forler   with 2 random devices keeps 50% of its global score and 100% of its good devices' local score"), text);
        assertTrue(Files.readString(out.resolve("e5").resolve("summary.csv")).contains("local_good_mean"));
        assertTrue(Files.size(out.resolve("e5").resolve("e5.png")) > 0 && Files.size(out.resolve("e5").resolve("e5-local.png")) > 0);
        List<String> variants = Files.readAllLines(out.resolve("e5").resolve("variants.csv"));
        assertEquals(List.of("variant,series,label", "0,forler,forler-4good", "1,forler,forler-4good+2random"), variants.subList(0, 3));
    }

    /** FederationTest's tiny options with {@code devices} devices holding {@code kinds} (cycled). */
    static Federation.Options withKinds(int devices, List<String> kinds) {
        return FederationTest.tiny("forler", 1, null, false, 1).withDevices(devices).withKinds(kinds);
    }

    @Test
    void goodLocalSkipsTheRandomDevicesAsTheKindsCycle() {
        Federation.Options o = withKinds(4, List.of("medium", "random"));
        Map<String, Double> round = Map.of("local_score_0", 10.0, "local_score_1", -50.0, "local_score_2", 30.0, "local_score_3", -70.0);
        assertEquals(20, Experiments.goodLocal(List.of(round), o).get(0).get("local_good"), 1e-12); // devices 0 and 2
        Federation.Options allRandom = withKinds(2, List.of("random"));
        assertTrue(Experiments.goodLocal(List.of(round), allRandom).get(0).get("local_good").isNaN());
    }

    @Test
    void theShareKeptIsRefusedAgainstAScoreAtOrBelowZero() {
        assertEquals("90%", Experiments.kept(20, 18));
        assertEquals("n/a (-3.0 without them)", Experiments.kept(-3, 5));
    }
}

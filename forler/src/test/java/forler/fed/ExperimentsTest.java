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

    /** A finished run in {@code dir}: every round the same global score; devices 0–3 score {@code good}, devices 4–5 {@code bad}. */
    static void writeRun(Path dir, int devices, double global, double good, double bad) throws Exception {
        StringBuilder b = new StringBuilder("round,global_score");
        for (int k = 0; k < devices; k++) b.append(",local_score_").append(k);
        b.append(",local_score_mean,wall_s\n");
        double mean = (4 * good + (devices - 4) * bad) / devices;
        for (int r = 0; r < ROUNDS; r++) {
            b.append(r).append(',').append(global);
            for (int k = 0; k < devices; k++) b.append(',').append(k < 4 ? good : bad);
            b.append(',').append(mean).append(',').append(r + 1).append('\n');
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rounds.csv"), b.toString());
    }

    /** E5's runs, written by hand: global 10 (4 good devices) or 5 (+2 random), good devices 20 + 10·seed, random ones −40. */
    static void writeE5(Experiments e) throws Exception {
        for (Map.Entry<Path, FedSimulation.Options> r : e.runs("e5").entrySet()) {
            int devices = r.getValue().devices();
            writeRun(r.getKey(), devices, devices == 4 ? 10 : 5, 20 + 10 * r.getValue().seed(), -40);
        }
    }

    /** Writes each hand-written run's rounds.json with the settings of the run the experiment asks for (else it would run it again). */
    static void recordSettings(Map<Path, FedSimulation.Options> runs) throws Exception {
        for (Map.Entry<Path, FedSimulation.Options> r : runs.entrySet()) {
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
    void eachAblationChangesOnlyItsSettingAndReportsByVariantName(@TempDir Path out) throws Exception {
        FedSimulation.Options base = FedSimulationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        Experiments e = new Experiments(base, List.of("pendulum"), 1, out, r -> {
            throw new IllegalStateException("trains: " + r);
        }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Map<String, String> expected = Map.of(
                "norm", "forler-norm-none:--obs-norm=none forler-norm-server:--obs-norm=server forler-norm-pooled:--obs-norm=pooled "
                        + "forler-norm-own:--obs-norm=own fedcql-norm-none:--obs-norm=none fedcql-norm-server:--obs-norm=server "
                        + "fedcql-norm-pooled:--obs-norm=pooled fedcql-norm-own:--obs-norm=own",
                "omega", "forler-omega-averaged:--omega-s-per-head=false forler-omega-per-head:--omega-s-per-head=true",
                "temp", "forler-temp-fixed:--search-temp=fixed forler-temp-spread:--search-temp=spread",
                "init", "forler-init-zero-2:--search-init=zero,--search-init-std=2.0 forler-init-zero-0.5:--search-init=zero,--search-init-std=0.5 "
                        + "forler-init-zero-0.25:--search-init=zero,--search-init-std=0.25 forler-init-policy-0.25:--search-init=policy,--search-init-std=0.25",
                "broadcast", "forler-broadcast-average:--broadcast=average forler-broadcast-own:--broadcast=own forler-broadcast-mix:--broadcast=mix",
                "adversary", adversaryVariants());
        Map<String, String> baseSettings = base.settings();
        for (Map.Entry<String, String> x : expected.entrySet()) {
            StringBuilder got = new StringBuilder();
            for (Map.Entry<Path, FedSimulation.Options> r : e.runs(x.getKey()).entrySet()) {
                // the flags the ablation sets: those of its first variant ("label:--a=x,--b=y")
                List<String> flags = java.util.Arrays.stream(x.getValue().split(" ")[0].split(":")[1].split(",")).map(f -> f.split("=")[0]).toList();
                Map<String, String> s = r.getValue().settings();
                for (String k : s.keySet()) // nothing else differs from the base, the algorithm aside
                    if (!flags.contains(k) && !k.equals("--algo") && !k.equals("--seed")) assertEquals(baseSettings.get(k), s.get(k), x.getKey() + " " + k);
                got.append(got.length() == 0 ? "" : " ").append(r.getKey().getParent().getFileName()).append(':')
                        .append(String.join(",", flags.stream().map(f -> f + "=" + s.get(f)).toList()));
            }
            assertEquals(x.getValue(), got.toString(), x.getKey());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Experiments.checkId("norms"));
    }

    /** Each variant of the swings ablation is E5's FORLER arm (4 good, or + 2 random) with only its named settings changed. */
    @Test
    void eachSwingsVariantChangesOnlyItsSettingsOfE5sForlerArm(@TempDir Path out) throws Exception {
        FedSimulation.Options base = FedSimulationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        Experiments e = new Experiments(base, List.of("pendulum"), 1, out, r -> {
            throw new IllegalStateException("trains: " + r);
        }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Map<String, FedSimulation.Options> e5 = new java.util.HashMap<>();
        e.runs("e5").forEach((dir, o) -> e5.put(dir.getParent().getFileName().toString(), o));
        StringBuilder got = new StringBuilder();
        for (Map.Entry<Path, FedSimulation.Options> r : e.runs("swings").entrySet()) {
            String name = r.getKey().getParent().getFileName().toString();
            Map<String, String> arm = e5.get(name.endsWith("-4good+2random") ? "forler-4good+2random" : "forler-4good").settings(), s = r.getValue().settings();
            List<String> changed = s.keySet().stream().filter(k -> !s.get(k).equals(arm.get(k))).map(k -> k + "=" + s.get(k)).toList();
            got.append(got.length() == 0 ? "" : " ").append(name).append(':').append(String.join(",", changed));
        }
        assertEquals("base: server-size-5000:--server-size=5000 server-size-5000-4good+2random:--server-size=5000 omega-s-0:--omega-s=0.0 "
                + "omega-s-8:--omega-s=8.0 broadcast-own:--broadcast=own no-rectification:--alpha1=0.0 no-rectification-4good+2random:--alpha1=0.0 "
                + "server-steps-25:--server-steps=25 server-steps-400:--server-steps=400 server-size-5000-own:--server-size=5000,--broadcast=own "
                + "server-size-5000-own-4good+2random:--server-size=5000,--broadcast=own", got.toString());
    }

    /** The adversary ablation's variants: per algorithm, check off then on, none / flip / inflate. */
    private static String adversaryVariants() {
        StringBuilder b = new StringBuilder();
        for (String algo : List.of("forler", "fedcql", "fedora"))
            for (String checked : List.of("false", "true"))
                for (String mode : List.of("none", "flip", "inflate"))
                    b.append(b.length() == 0 ? "" : " ").append(algo).append("-adversary-").append(mode).append(checked.equals("true") ? "-checked" : "")
                            .append(":--adversary=").append(mode).append(",--reject-outliers=").append(checked);
        return b.toString();
    }

    /**
     * E5 with every run written by hand and recording the settings asked for, except those of {@code edited}, which
     * say hidden 32 where the experiment asks 16; a run the experiment starts counts in {@code built} and throws
     * "trains: …" (the dataset function is the first thing a run calls).
     */
    private static Experiments e5MadeWithOtherSettings(Path out, java.util.concurrent.atomic.AtomicInteger built, String... edited) throws Exception {
        FedSimulation.Options base = FedSimulationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        Experiments e = new Experiments(base, List.of("pendulum"), 1, out, r -> {
            built.incrementAndGet();
            throw new IllegalStateException("trains: " + r);
        }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        writeE5(e);
        recordSettings(e.runs("e5"));
        for (String v : edited) {
            Path json = out.resolve("e5/pendulum/" + v + "/seed-0/rounds.json");
            Files.writeString(json, Files.readString(json).replace("\"hidden\": \"16\"", "\"hidden\": \"32\""));
        }
        return e;
    }

    @Test
    void aRunMadeWithOtherSettingsIsRunAgain(@TempDir Path out) throws Exception {
        // every run records the settings asked for, except one that says hidden 32 where the experiment asks 16:
        // that one alone is run again (the dataset function is the first thing a run calls)
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        Experiments e = e5MadeWithOtherSettings(out, built, "forler-4good");
        IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> e.run("e5"));
        assertTrue(x.getMessage().startsWith("trains:"), x.getMessage());
        assertEquals(1, built.get(), "only the run made with other settings is run again");
    }

    /**
     * A run logged before a setting was recorded (--adversary, --reject-outliers, --search-init, --search-init-std:
     * FedSimulation.LATER_SETTINGS) was made with the value it now defaults to: it is reused, not run again
     * (a run made with other settings is run again from the start, its log deleted).
     */
    @Test
    void aRunLoggedBeforeALaterSettingWasRecordedIsReused(@TempDir Path out) throws Exception {
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        Experiments e = e5MadeWithOtherSettings(out, built);
        for (Path dir : e.runs("e5").keySet()) {
            Path json = dir.resolve("rounds.json");
            String s = Files.readString(json);
            for (String kv : List.of("adversary:none", "reject_outliers:false", "search_init:zero", "search_init_std:2.0")) {
                String[] k = kv.split(":");
                String line = "\n    \"" + k[0] + "\": \"" + k[1] + "\",";
                assertTrue(s.contains(line), k[0] + " is recorded now: " + s);
                s = s.replace(line, "");
            }
            Files.writeString(json, s);
        }
        e.run("e5");
        assertEquals(0, built.get(), "no run is run again");
    }

    @Test
    void onlyTheNamedVariantsRunAndAnUnknownNameListsThem(@TempDir Path out) throws Exception {
        // two runs made with other settings: the named variant's is run again, the other variant's is left alone
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        Experiments e = e5MadeWithOtherSettings(out, built, "forler-4good", "fedcql-4good");
        e.withVariants(List.of("fedcql-4good"));
        assertEquals(List.of(out.resolve("e5/pendulum/fedcql-4good/seed-0")), List.copyOf(e.runs("e5").keySet()));
        IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> e.run("e5"));
        assertTrue(x.getMessage().startsWith("trains:"), x.getMessage());
        assertEquals(1, built.get(), "only the named variant's run is run again");

        e.withVariants(List.of("forler-4good", "forler-six"));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> e.run("e5"));
        assertTrue(bad.getMessage().startsWith("--variants: e5 has no variant 'forler-six'; its variants: forler-4good, "), bad.getMessage());
        assertEquals(1, built.get(), "a bad name is refused before any run");
    }

    @Test
    void theSettingsAnExperimentSetsPerVariantAreNamedAndNoOthers(@TempDir Path out) {
        FedSimulation.Options base = FedSimulationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        Experiments e = new Experiments(base, List.of("pendulum"), 1, out, r -> { throw new IllegalStateException("no data needed"); },
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        // E5: FORLER and the baselines, 4 good devices then 6 with 2 random, D_o from the good kinds
        assertEquals(java.util.Set.of("--algo", "--devices", "--data", "--server-data"), e.setPerVariant("e5"));
        assertEquals(java.util.Set.of("--devices", "--data", "--server-data"), e.withVariants(List.of("forler-4good", "forler-4good+2random")).setPerVariant("e5"));
        assertEquals(java.util.Set.of("--delta"), e.withVariants(List.of("delta-1", "delta-10")).setPerVariant("e6"));
        assertEquals(java.util.Set.of(), e.withVariants(List.of("delta-5")).setPerVariant("e6"), "base δ = 5: nothing differs");
    }

    @Test
    void e5ReportsTheGoodDevicesLocalScoreAndTheShareKept(@TempDir Path out) throws Exception {
        FedSimulation.Options base = FedSimulationTest.tiny("forler", ROUNDS, out, false, 5, 1f, 0);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Experiments e = new Experiments(base, List.of("pendulum"), 2, out, r -> {
            throw new AssertionError("nothing should train: every run is complete");
        }, new PrintStream(log, true, StandardCharsets.UTF_8));
        writeE5(e); // random peers score −40 locally
        recordSettings(e.runs("e5"));

        List<Summary.Line> rows = e.run("e5");

        assertEquals(8, rows.size());
        Map<String, Double> clean = rows.get(0).values(), polluted = rows.get(1).values();
        assertEquals(10, clean.get("global_mean"), 1e-9);
        assertEquals(25, clean.get("local_good_mean"), 1e-9);
        assertEquals(Math.sqrt(50), clean.get("local_good_std"), 1e-9); // seeds 20 and 30
        assertEquals(5, polluted.get("global_mean"), 1e-9);
        assertEquals(25, polluted.get("local_good_mean"), 1e-9);           // the random devices are left out …
        assertEquals((4 * 25 - 2 * 40) / 6.0, polluted.get("local_mean"), 1e-9); // … of this one only
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("forler   with 2 random devices keeps 50% of its global score and 100% of its good devices' local score"), text);
        List<String> csv = Files.readAllLines(out.resolve("e5").resolve("summary.csv"));
        assertEquals("variant,series,x,global_mean,global_std,local_mean,local_std,local_good_mean,local_good_std", csv.get(0));
        assertEquals("forler-4good,forler,4,10,0,25,7.07107,25,7.07107", csv.get(1));
        assertTrue(Files.readString(out.resolve("e5").resolve("summary.json"))
                .contains("\"forler-4good+2random\": {\"series\": \"forler\", \"seeds\": 2, \"x\": 6, \"global_mean\": 5,"));
        assertTrue(Files.readString(out.resolve("e5").resolve("summary.md")).contains("| forler-4good | forler | 4 | 10.0 ± 0.0 | 25.0 ± 7.1 | 25.0 ± 7.1 |"));
        assertTrue(Files.size(out.resolve("e5").resolve("e5.png")) > 0 && Files.size(out.resolve("e5").resolve("e5-local.png")) > 0);
    }

    /** FedSimulationTest's tiny options with {@code devices} devices holding {@code kinds} (cycled). */
    static FedSimulation.Options withKinds(int devices, List<String> kinds) {
        return FedSimulationTest.tiny("forler", 1, null, false, 1).withDevices(devices).withKinds(kinds);
    }

    @Test
    void goodLocalSkipsTheRandomDevicesAsTheKindsCycle() {
        FedSimulation.Options o = withKinds(4, List.of("medium", "random"));
        Map<String, Double> round = Map.of("local_score_0", 10.0, "local_score_1", -50.0, "local_score_2", 30.0, "local_score_3", -70.0);
        assertEquals(20, Summary.goodLocal(List.of(round), o.devices(), o.kinds()).get(0).get("local_good"), 1e-12); // devices 0 and 2
        FedSimulation.Options allRandom = withKinds(2, List.of("random"));
        assertTrue(Summary.goodLocal(List.of(round), allRandom.devices(), allRandom.kinds()).get(0).get("local_good").isNaN());
    }

    @Test
    void aStatOfTheRoundsIsTheirMeanBestOrMeanAbsoluteChangeAndSkipsUnevaluatedRounds() {
        List<Map<String, Double>> rows = List.of(Map.of("global_score", 10.0), Map.of("global_score", Double.NaN), Map.of("global_score", 30.0),
                Map.of("global_score", 20.0));
        assertTrue(Double.isNaN(Summary.Stat.MEAN.of(rows, "global_score")), "a mean over an unevaluated round is NaN, as before");
        assertEquals(20, Summary.Stat.MEAN.of(List.of(rows.get(0), rows.get(2), rows.get(3)), "global_score"), 1e-12);
        assertEquals(30, Summary.Stat.MAX.of(rows, "global_score"), 1e-12);
        assertEquals((20 + 10) / 2.0, Summary.Stat.SWING.of(rows, "global_score"), 1e-12);
        assertTrue(Double.isNaN(Summary.Stat.SWING.of(rows.subList(0, 1), "global_score")), "no change without two evaluations");
        assertEquals(Summary.Stat.SWING, Summary.Stat.parse("swing"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Summary.Stat.parse("best"));
    }

    @Test
    void theShareKeptIsRefusedAgainstAScoreAtOrBelowZero() {
        assertEquals("90%", Summary.kept(20, 18));
        assertEquals("n/a (-3.0 without them)", Summary.kept(-3, 5));
    }
}

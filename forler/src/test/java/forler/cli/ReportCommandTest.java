package forler.cli;

import static forler.cli.MainTest.forler;
import static forler.cli.MainTest.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forler report} and {@code forler experiment --shard}: shards merged give the unsharded numbers, bad input is one line. */
class ReportCommandTest {
    /** E7 (5 variants) at a few seconds a run: 2 devices of random data, 2 rounds of 2 steps, width 8, 2 seeds. */
    static String[] tinyE7(Path dir, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("experiment", "e7", "--seeds", "2", "--devices", "2", "--data", "random", "--size", "100",
                "--server-size", "50", "--rounds", "2", "--local-steps", "2", "--hidden", "8", "--batch", "16", "--samples", "3",
                "--iterations", "1", "--eval-episodes", "1", "--cache", dir.resolve("cache").toString(), "--out", out.toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    /** {@code forler} in a JVM of its own on the test class path, output to {@code log}. */
    static Process forlerProcess(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xss4m", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void twoShardProcessesMergedByReportGiveExactlyTheUnshardedNumbers(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole"), sharded = dir.resolve("sharded");
        // the two shards at once, in two processes, into one folder (and one dataset cache)
        List<Process> shards = new ArrayList<>();
        for (int i = 1; i <= 2; i++) shards.add(forlerProcess(dir.resolve("shard" + i + ".log"), tinyE7(dir, sharded, "--shard", i + "/2")));
        assertEquals(0, forler(tinyE7(dir, whole)).code());
        for (int i = 1; i <= 2; i++) {
            Process p = shards.get(i - 1);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "shard " + i + " did not finish");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("shard" + i + ".log")));
        }
        assertTrue(Files.readString(dir.resolve("shard1.log")).contains("e7 shard 1/2: 5 of 10 runs done"));
        assertTrue(Files.exists(sharded.resolve("e7/pendulum/delta-1/seed-0/rounds.csv")), "cell 0 is shard 1's");
        assertTrue(Files.notExists(sharded.resolve("e7/summary.csv")), "a shard writes no summary");

        MainTest.Outcome report = forler("report", sharded.toString());
        assertEquals(0, report.code(), report.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("e7/summary.csv")), Files.readAllBytes(sharded.resolve("e7/summary.csv")));
        assertEquals(6, Files.readAllLines(sharded.resolve("e7/summary.csv")).size(), "a header and 5 variants");
        assertTrue(Files.readString(sharded.resolve("e7/summary.json")).contains("\"delta-20\": {\"series\": \"forler\", \"seeds\": 2, \"x\": 20,"));
        String readme = Files.readString(sharded.resolve("e7/README.md"));
        assertTrue(readme.startsWith("# E7: rectification overhead\n"), readme);
        assertTrue(readme.contains("- command: `forler experiment e7 --seeds 2 ") && readme.contains("as 2 shards") && !readme.contains("--shard 1/2") && !readme.contains("--shard 2/2"), readme);
        assertTrue(readme.contains("| --local-steps | 2 |") && readme.contains("- code version: "), readme);
        assertTrue(readme.contains("| --delta | varies by variant (each run's rounds.json records its own) |"), "E7 sets δ per variant: " + readme);
        Path built = Path.of("target", "classes", "forler", "code-version.txt"); // the build's, from src/build/code-version.sh
        if (Files.exists(built) && System.getenv("FORLER_CODE_VERSION") == null)
            assertTrue(readme.contains("- code version: " + Files.readString(built).trim() + " (build)\n"), readme);

        // a second command into a folder (here --resume) writes its README again: a user's section kept, both commands listed
        Path whole7 = whole.resolve("e7/README.md");
        String first = Files.readString(whole7);
        assertTrue(first.contains(ExperimentReadme.LOG + "\n\n- ") && first.contains(": `forler experiment e7 --seeds 2 "), first);
        Files.writeString(whole7, first.replace(ExperimentReadme.LOG, "## Notes\n\nmine\n\n" + ExperimentReadme.LOG));
        assertEquals(0, forler(tinyE7(dir, whole, "--resume")).code());
        String again = Files.readString(whole7);
        assertTrue(again.contains("\n## Notes\n\nmine\n\n" + ExperimentReadme.LOG + "\n\n"), again);
        List<String> log = again.substring(again.indexOf(ExperimentReadme.LOG)).lines().filter(l -> l.startsWith("- ")).toList();
        assertEquals(2, log.size(), again);
        assertTrue(log.get(1).contains(" --resume`; ") && !log.get(0).contains("--resume"), again);
        assertEquals(1, again.split("\\| --local-steps \\| 2 \\|", -1).length - 1, "one settings table: " + again);

        Path curve = sharded.resolve("e7/pendulum/delta-2/seed-1/curve.png");
        Files.delete(curve);
        assertEquals(0, forler("report", sharded.toString(), "--curves").code());
        assertTrue(Files.size(curve) > 0, "--curves draws each run's curve again");

        // a shard's runs missing: refused, naming the variant
        Path seed1 = sharded.resolve("e7/pendulum/delta-1/seed-1");
        Files.move(seed1, dir.resolve("aside"));
        refused(forler("report", sharded.toString()), "delta-1", "a shard is missing");
        Files.move(dir.resolve("aside"), seed1);

        // a run made with other settings does not join the summary; the setting is named
        Path json = sharded.resolve("e7/pendulum/delta-5/seed-1/rounds.json");
        Files.writeString(json, Files.readString(json).replace("\"local_steps\": \"2\"", "\"local_steps\": \"3\""));
        refused(forler("report", sharded.toString()), "mixed settings", "local_steps is 2", "but 3 in pendulum/delta-5/seed-1");
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        for (String spec : List.of("3/2", "0/2", "a/b", "2")) refused(forler(tinyE7(dir, dir.resolve("out"), "--shard", spec)), "--shard", spec);
        refused(forler("experiment", "e9", "--out", dir.resolve("out").toString()), "unknown experiment 'e9'");
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");
        refused(forler("report", dir.toString()), "no runs under it");
        for (String r : List.of("3:1", "a:b", "1-2")) refused(forler("report", dir.toString(), "--rounds", r), "--rounds", r);
        refused(forler("report", dir.toString(), "--score", "last-0"), "--score");
        refused(forler("report", dir.toString(), "--policy", "best"), "--policy", "best");
        refused(forler("report", dir.toString(), "--stat", "best"), "--stat", "best");
    }

    /**
     * {@code --copy-to} brings runs of the older {@code <id>/runs/<variant>-s<S>/} layout (with variants.csv and
     * summary.csv beside them) into the current one, and their summary is the same: the committed E1 runs at 50
     * evaluation episodes (results/e1-eval50), laid out the older way here, copied back give the committed summary.csv.
     */
    @Test
    void copyToBringsRunsOfTheOlderLayoutOverWithTheSameSummary(@TempDir Path dir) throws Exception {
        Path committed = Path.of("..", "results", "e1-eval50", "e1"), old = dir.resolve("old").resolve("e1");
        List<String> summary = Files.readAllLines(committed.resolve("summary.csv"));
        List<String> variants = new ArrayList<>(List.of("variant,series,label"));
        for (int i = 1; i < summary.size(); i++) {
            String[] c = summary.get(i).split(",");
            variants.add((i - 1) + "," + c[1] + "," + c[0]);
            Path task = committed.resolve(c[0].substring(c[0].indexOf('-') + 1)).resolve(c[0]);
            try (Stream<Path> s = Files.list(task)) {
                for (Path seed : s.filter(Files::isDirectory).toList()) {
                    Path to = old.resolve("runs").resolve(c[0] + "-s" + seed.getFileName().toString().substring("seed-".length()));
                    Files.createDirectories(to);
                    for (String f : List.of("rounds.csv", "rounds.json")) Files.copy(seed.resolve(f), to.resolve(f));
                }
            }
        }
        Files.write(old.resolve("variants.csv"), variants);
        Files.write(old.resolve("summary.csv"), summary);
        Path moved = dir.resolve("new");
        MainTest.Outcome o = forler("report", dir.resolve("old").toString(), "--policy", "global", "--copy-to", moved.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.exists(moved.resolve("e1/pendulum/fedora-pendulum/seed-2/rounds.json")), "copied into the current layout");
        assertTrue(Files.notExists(old.resolve("summary.md")), "the older folder is left as it was");
        String copied = Files.readString(moved.resolve("e1/README.md"));
        assertTrue(copied.contains("| local_steps | 100 |") && copied.contains("| algo | varies |") && copied.contains("runs copied from "), copied);
        refused(forler("report", dir.resolve("old").toString(), "--copy-to", moved.toString()), "--copy-to", "already exists");
        assertArrayEquals(Files.readAllBytes(committed.resolve("summary.csv")), Files.readAllBytes(moved.resolve("e1/summary.csv")));
    }

    /**
     * {@code --rounds A:B} on runs that evaluated every 10 rounds (the committed paper-budget E1 on hopper): a run's
     * score is the mean of its evaluated rounds in A..B, the others (NaN) left out; checked against the rows read here.
     * A range with no evaluated round is refused in one line.
     */
    @Test
    void roundsRangeScoresOnlyTheEvaluatedRounds(@TempDir Path dir) throws Exception {
        Path committed = Path.of("..", "results", "e1-paper", "e1");
        MainTest.Outcome o = forler("report", committed.toString(), "--rounds", "300:999", "--copy-to", dir.resolve("r").toString());
        assertEquals(0, o.code(), o.err());
        for (String variant : List.of("forler-hopper", "fedora-hopper")) {
            double[] perSeed = new double[3];
            for (int s = 0; s < 3; s++) {
                List<String> lines = Files.readAllLines(committed.resolve("hopper").resolve(variant).resolve("seed-" + s).resolve("rounds.csv"));
                List<String> head = Arrays.asList(lines.get(0).split(","));
                int round = head.indexOf("round"), score = head.indexOf("global_score");
                double sum = 0;
                int n = 0;
                for (String l : lines.subList(1, lines.size())) {
                    String[] c = l.split(",");
                    int r = Integer.parseInt(c[round]);
                    if (r >= 300 && r <= 999 && !c[score].equals("NaN")) { sum += Double.parseDouble(c[score]); n++; }
                }
                assertEquals(70, n, variant + " seed " + s + ": evaluations in rounds 300..999 (every 10th round)");
                perSeed[s] = sum / n;
            }
            double mean = Arrays.stream(perSeed).average().orElseThrow();
            String row = Files.readAllLines(dir.resolve("r/e1/summary.csv")).stream().filter(l -> l.startsWith(variant + ",")).findFirst().orElseThrow();
            assertEquals(mean, Double.parseDouble(row.split(",")[3]), 1e-3, variant + " global mean over rounds 300..999: " + row);
        }
        refused(forler("report", committed.toString(), "--rounds", "1:8", "--copy-to", dir.resolve("r2").toString()), "--rounds 1:8", "no evaluated round");
    }

    /**
     * {@code forler experiment offline}: each cell a {@code train} run in the standard layout; a run's score is the mean
     * of its last 3 evaluations (checked by hand against train.csv); {@code report} writes the same summary again; run
     * once more, it trains nothing; a flag of the offline experiment given to another is one line.
     */
    @Test
    void offlineExperimentIsTrainRunsInTheLayoutThatReportSummarises(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        String[] args = {"experiment", "offline", "--task", "pendulum", "--steps", "10", "--size", "400", "--replay-size", "200", "--hidden", "8",
                "--batch", "16", "--eval-episodes", "1", "--seeds", "2", "--cache", dir.resolve("cache").toString(), "--out", out.toString()};
        MainTest.Outcome o = forler(args);
        assertEquals(0, o.code(), o.err());
        Path exp = out.resolve("offline");
        for (String v : List.of("td3bc-medium", "td3bc-medium-replay", "td3bc-medium-expert", "cql-medium", "cql-medium-replay", "cql-medium-expert"))
            for (int s = 0; s < 2; s++) assertTrue(Files.exists(exp.resolve("pendulum/" + v + "/seed-" + s + "/train.csv")), v + " seed " + s);
        assertTrue(Files.notExists(exp.resolve("pendulum/cql-medium/seed-0/checkpoint.safetensors")), "the checkpoint is removed");
        String json = Files.readString(exp.resolve("pendulum/cql-medium-replay/seed-1/train.json"));
        assertTrue(json.contains("\"data\": \"medium-replay\"") && json.contains("\"size\": \"200\"") && json.contains("\"eval_every\": \"2\"")
                && json.contains("\"eval_episodes\": \"1\""), json);

        List<String> csv = Files.readAllLines(exp.resolve("summary.csv"));
        assertEquals("variant,series,x,global_mean,global_std", csv.get(0));
        assertEquals(7, csv.size(), "a header and 6 variants");
        // td3bc-medium's score by hand: the mean over seeds of each run's last 3 evaluations (steps 6, 8, 10)
        double[] perSeed = new double[2];
        for (int s = 0; s < 2; s++) {
            List<String> rows = Files.readAllLines(exp.resolve("pendulum/td3bc-medium/seed-" + s + "/train.csv"));
            assertEquals(7, rows.size(), "steps 0, 2, 4, 6, 8, 10");
            int score = List.of(rows.get(0).split(",")).indexOf("score");
            for (int r = 4; r < 7; r++) perSeed[s] += Double.parseDouble(rows.get(r).split(",")[score]) / 3;
        }
        String[] td3bc = csv.get(1).split(",");
        assertEquals("td3bc-medium", td3bc[0]);
        assertEquals((perSeed[0] + perSeed[1]) / 2, Double.parseDouble(td3bc[3]), 1e-4);
        String md = Files.readString(exp.resolve("summary.md"));
        assertTrue(md.contains("(2 seeds, 10 steps)") && md.contains("| variant | series | x | normalised score | wall s per evaluation |"), md);
        String readme = Files.readString(exp.resolve("README.md"));
        assertTrue(readme.startsWith("# OFFLINE: ") && readme.contains("| --steps | 10 |") && readme.contains("| --replay-size | 200 |")
                && readme.contains("| --algos | td3bc,cql |") && !readme.contains("--server-size"), readme);

        byte[] before = Files.readAllBytes(exp.resolve("summary.csv"));
        Files.delete(exp.resolve("summary.csv"));
        assertEquals(0, forler("report", out.toString()).code());
        assertArrayEquals(before, Files.readAllBytes(exp.resolve("summary.csv")), "report writes the same summary from the runs' logs");

        long modified = Files.getLastModifiedTime(exp.resolve("pendulum/cql-medium/seed-1/train.csv")).toMillis();
        o = forler(args);
        assertEquals(0, o.code(), o.err());
        assertEquals(modified, Files.getLastModifiedTime(exp.resolve("pendulum/cql-medium/seed-1/train.csv")).toMillis(), "complete runs are reused");

        Path t = exp.resolve("pendulum/td3bc-medium/seed-0/train.csv");
        List<String> rows = Files.readAllLines(t);
        Files.write(t, rows.subList(0, rows.size() - 1));
        refused(forler("report", out.toString()), "td3bc-medium/seed-0", "unfinished", "step 8 of 10");

        refused(forler(tinyE7(dir, dir.resolve("e7"), "--steps", "10")), "--steps is the offline experiment's");
        refused(forler("experiment", "offline", "--algos", "sacn", "--out", dir.resolve("x").toString()), "--algos", "sacn");
        refused(forler("experiment", "offline", "--rounds", "5", "--out", dir.resolve("x").toString()), "--rounds is not a setting of `forler experiment offline`");
    }

    /** An experiment run in two parts (--variants) into one folder: the first writes no summary, the second the whole one's. */
    @Test
    void partsGiveTheSummaryOnceEveryVariantIsDone(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        assertEquals(0, forler(tinyE7(dir, whole)).code());
        assertEquals(0, forler(tinyE7(dir, parts, "--variants", "delta-1,delta-2")).code());
        assertTrue(Files.notExists(parts.resolve("e7/summary.csv")), "a summary of 2 of the 5 variants would mislead");
        assertEquals(0, forler(tinyE7(dir, parts, "--variants", "delta-5,delta-10,delta-20")).code());
        assertArrayEquals(Files.readAllBytes(whole.resolve("e7/summary.csv")), Files.readAllBytes(parts.resolve("e7/summary.csv")));
    }

    /**
     * {@code report --progress} on a copy of the committed paper-budget hopper Fed-TD3BC runs, one cut back to 500
     * rounds with a checkpoint beside it, one removed: each run's rounds, last evaluation and score so far as its log
     * says, the missing seed listed, nothing written.
     */
    @Test
    void progressShowsWhereUnfinishedRunsStand(@TempDir Path dir) throws Exception {
        Path from = Path.of("..", "results", "e1-paper", "e1", "hopper", "fedtd3bc-hopper"), v = dir.resolve("e1/hopper/fedtd3bc-hopper");
        Files.createDirectories(v);
        Files.copy(from.resolve("variant.json"), v.resolve("variant.json"));
        for (int s = 0; s < 2; s++) {
            Files.createDirectories(v.resolve("seed-" + s));
            for (String f : List.of("rounds.csv", "rounds.json")) Files.copy(from.resolve("seed-" + s).resolve(f), v.resolve("seed-" + s).resolve(f));
        }
        Path cut = v.resolve("seed-1/rounds.csv");
        Files.write(cut, Files.readAllLines(cut).subList(0, 501));
        Files.writeString(v.resolve("seed-1/checkpoint.safetensors"), "");
        List<java.util.Map<String, Double>> rows = forler.io.RunLog.readCsv(cut);
        List<java.util.Map<String, Double>> evaluated = rows.stream().filter(r -> !Double.isNaN(r.get("global_score"))).toList();
        double soFar = evaluated.subList(evaluated.size() - 3, evaluated.size()).stream().mapToDouble(r -> r.get("global_score")).average().orElseThrow();
        java.util.Map<String, Double> last = evaluated.get(evaluated.size() - 1);
        Path planned = dir.resolve("e1/hopper/fedora-hopper"); // a variant `forler experiment` recorded but has not started
        Files.createDirectories(planned);
        Files.copy(from.resolveSibling("fedora-hopper").resolve("variant.json"), planned.resolve("variant.json"));
        List<Path> before;
        try (Stream<Path> s = Files.walk(dir)) { before = s.sorted().toList(); }

        MainTest.Outcome o = forler("report", dir.toString(), "--progress");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("| fedtd3bc-hopper | 0 | 1000 of 1000 rounds |"), o.out());
        assertTrue(o.out().contains(String.format(java.util.Locale.ROOT, "| fedtd3bc-hopper | 1 | 500 of 1000 rounds | round %d: %.1f, %.1f | %.1f |",
                last.get("round").longValue(), last.get("global_score"), last.get("local_score_mean"), soFar)), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("| fedtd3bc-hopper | 0 |") && l.endsWith("| finished | no |")), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("| fedtd3bc-hopper | 1 |") && l.endsWith(" | yes |") && !l.contains("finished")), o.out());
        assertTrue(o.out().contains("not started: fedtd3bc-hopper (1 of 3 seeds), fedora-hopper (3 of 3 seeds)"), o.out());
        assertTrue(o.out().contains("1 of 6 runs finished") && o.out().contains("and the 3 runs of the variants not started yet"), o.out());
        try (Stream<Path> s = Files.walk(dir)) { assertEquals(before, s.sorted().toList(), "--progress writes nothing"); }
        refused(forler("report", dir.toString()), "seed-1 in", "is unfinished (500 of 1000 rounds)");
        refused(forler("report", dir.toString(), "--progress", "--curves"), "--progress writes nothing");
    }

    /** Seconds per round count each row's increment of wall_s, and a drop (a --resume) from zero. */
    @Test
    void wallPerRoundCountsAResumedRunsRestart() {
        List<java.util.Map<String, Double>> rows = new ArrayList<>();
        for (double w : new double[] {10, 20, 5, 15}) rows.add(java.util.Map.of("wall_s", w));
        assertEquals((10 + 10 + 5 + 10) / 4.0, forler.fed.Summary.wallPerRound(rows), 1e-12);
    }
}

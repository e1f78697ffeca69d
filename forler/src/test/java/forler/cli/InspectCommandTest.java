package forler.cli;

import static forler.cli.MainTest.forler;
import static forler.cli.MainTest.refused;
import static forler.cli.MainTest.set;
import static forler.cli.MainTest.tinyRun;
import static org.junit.jupiter.api.Assertions.*;

import forler.io.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forler inspect}: one row per policy and checkpoint, from the checkpoints alone; bad input is one line. */
class InspectCommandTest {
    @Test
    void checkpointsOfOneRunGiveARowPerPolicyAndRound(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run"), cache = dir.resolve("cache");
        assertEquals(0, forler(tinyRun(dir, "--out", out.toString())).code());
        Path first = Files.copy(out.resolve("checkpoint.safetensors"), dir.resolve("round0.safetensors"));
        assertEquals(0, forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--rounds", "3")).code());
        Path csv = dir.resolve("inspect.csv");
        MainTest.Outcome o = forler("inspect", first.toString(), out.toString(), "--states", "64", "--episodes", "1", "--cache", cache.toString(), "--csv", csv.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("checkpoint,round,policy,data,saturated,distance,q_data,q_policy,q_uniform,head_spread,target_saturated,target_distance,q_target,score,target", lines.get(0));
        assertEquals(1 + 2 * 3, lines.size(), "the global policy and 2 devices, for 2 checkpoints: " + lines);
        String[] policies = {"global", "device 0", "device 1"}, data = {"D_o", "D_0", "D_1"};
        String[] logged = {"global_score", "local_score_0", "local_score_1"};
        List<java.util.Map<String, Double>> log = forler.io.RunLog.readCsv(out.resolve("rounds.csv"));
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            assertEquals(i <= 3 ? "0" : "2", c[1], "the round each checkpoint was written after: " + lines.get(i));
            assertEquals(policies[(i - 1) % 3], c[2]);
            assertEquals(data[(i - 1) % 3], c[3]);
            double saturated = Double.parseDouble(c[4]), distance = Double.parseDouble(c[5]), spread = Double.parseDouble(c[9]);
            assertTrue(saturated >= 0 && saturated <= 1, lines.get(i));
            assertTrue(distance >= 0 && distance <= 4, "pendulum's one action coordinate lies in [-1, 1]: " + lines.get(i));
            for (int j = 6; j <= 8; j++) assertTrue(Double.isFinite(Double.parseDouble(c[j])), lines.get(i));
            assertTrue(spread >= 0, lines.get(i));
            // FORLER's devices: their rectified actions against their data; the global policy has none
            double targetSaturated = Double.parseDouble(c[10]), targetDistance = Double.parseDouble(c[11]), qTarget = Double.parseDouble(c[12]);
            if (c[2].equals("global")) assertTrue(Double.isNaN(targetSaturated) && Double.isNaN(targetDistance) && Double.isNaN(qTarget), lines.get(i));
            else assertTrue(targetSaturated >= 0 && targetSaturated <= 1 && targetDistance > 0 && targetDistance <= 4 && Double.isFinite(qTarget),
                    "the rectification has moved some of the cached actions off the data's: " + lines.get(i));
            // --episodes with the run's --eval-episodes replays the run's own evaluation of that round (to rounds.csv's 6 digits)
            double score = log.get(Integer.parseInt(c[1])).get(logged[(i - 1) % 3]);
            assertEquals(score, Double.parseDouble(c[13]), 1e-5 * Math.abs(score), "rounds.csv keeps 6 digits: " + lines.get(i));
        }
        assertNotEquals(lines.get(1).split(",", 3)[2], lines.get(4).split(",", 3)[2], "two more rounds of training changed nothing");
    }

    @Test
    void keepCheckpointsKeepsEveryRoundFromItsFirstAndAFreshRunClearsThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run"), kept = out.resolve("checkpoints");
        assertEquals(0, forler(set(tinyRun(dir, "--out", out.toString(), "--keep-checkpoints", "1"), "--rounds", "3")).code());
        try (var s = Files.list(kept)) {
            assertEquals(List.of("round-1.safetensors", "round-2.safetensors"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertArrayEquals(Files.readAllBytes(out.resolve("checkpoint.safetensors")), Files.readAllBytes(kept.resolve("round-2.safetensors")));
        Path csv = dir.resolve("kept.csv");
        assertEquals(0, forler("inspect", kept.resolve("round-1.safetensors").toString(), kept.resolve("round-2.safetensors").toString(),
                "--states", "16", "--cache", dir.resolve("cache").toString(), "--csv", csv.toString()).code());
        assertEquals(List.of("1", "2"), Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")[1]).distinct().toList());
        // the same run without the copies has the same numbers; --overwrite with a later FROM leaves no stale copy
        Path plain = dir.resolve("plain");
        assertEquals(0, forler(set(tinyRun(dir, "--out", plain.toString()), "--rounds", "3")).code());
        assertEquals(MainTest.withoutTimes(plain.resolve("rounds.csv")), MainTest.withoutTimes(out.resolve("rounds.csv")));
        assertEquals(0, forler(set(tinyRun(dir, "--out", out.toString(), "--keep-checkpoints", "2", "--overwrite"), "--rounds", "3")).code());
        try (var s = Files.list(kept)) {
            assertEquals(List.of("round-2.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
        refused(forler(tinyRun(dir, "--out", dir.resolve("never").toString(), "--keep-checkpoints", "-1")), "--keep-checkpoints must be >= 0");
    }

    @Test
    void everyMethodsCheckpointCanBeLookedInto(@TempDir Path dir) throws Exception {
        // the baselines' critics: Fed-CQL's and Fed-TD3BC's averaged one, FEDORA's server critic, centralized CQL's own (one learner)
        for (String algo : List.of("fedcql", "fedtd3bc", "fedora", "cql")) {
            Path out = dir.resolve(algo), csv = dir.resolve(algo + ".csv");
            assertEquals(0, forler(tinyRun(dir, "--algo", algo, "--out", out.toString())).code(), algo);
            MainTest.Outcome o = forler("inspect", out.toString(), "--states", "32", "--cache", dir.resolve("cache").toString(), "--csv", csv.toString());
            assertEquals(0, o.code(), algo + ": " + o.err());
            List<String> lines = Files.readAllLines(csv);
            assertEquals(algo.equals("cql") ? 3 : 4, lines.size(), algo + ": the global policy and every learner's: " + lines);
            for (String l : lines.subList(1, lines.size())) {
                String[] c = l.split(",");
                assertTrue(Double.isFinite(Double.parseDouble(c[6])) && Double.isFinite(Double.parseDouble(c[7])), l);
                assertTrue(Double.isNaN(Double.parseDouble(c[11])) && Double.isNaN(Double.parseDouble(c[12])), "only FORLER's devices rectify: " + l);
            }
        }
    }

    /**
     * --search: each device's â made afresh from each start on the same states. â is the argmax over the search's best
     * and π(s), so Q(s, â) ≥ Q(s, π(s)); from π(s) with a tiny std, â is π(s) to within a few stds.
     */
    @Test
    void searchRowsRemakeTheRectifiedActionsFromEachStart(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run"), csv = dir.resolve("search.csv");
        assertEquals(0, forler(set(tinyRun(dir, "--out", out.toString()), "--rounds", "2")).code());
        MainTest.Outcome o = forler("inspect", out.toString(), "--states", "64", "--search", "zero:2,policy:0.0001",
                "--cache", dir.resolve("cache").toString(), "--csv", csv.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 3 + 2 * 2, lines.size(), "3 policies, then 2 devices × 2 starts: " + lines);
        for (int i = 4; i < lines.size(); i++) {
            String[] c = lines.get(i).split(","), cached = lines.get(2 + (i - 4) / 2).split(",");
            assertEquals("device " + (i - 4) / 2, c[2], lines.get(i));
            assertEquals((i % 2 == 0) ? "zero:2.0" : "policy:1.0E-4", c[14], lines.get(i));
            for (int j = 2; j <= 9; j++) assertEquals(cached[j], c[j], "the same states and policy as the cache's row: " + lines.get(i));
            double distance = Double.parseDouble(c[5]), qPolicy = Double.parseDouble(c[7]);
            double targetDistance = Double.parseDouble(c[11]), qTarget = Double.parseDouble(c[12]);
            assertTrue(qTarget >= qPolicy - 1e-4 * Math.abs(qPolicy), "â is the argmax over {best, π(s)}: " + lines.get(i));
            if (i % 2 == 1) {
                assertEquals(distance, targetDistance, 1e-2, "from π(s) with y₀ = 1e-4, â is π(s) to within 1e-3: " + lines.get(i));
                assertEquals(qPolicy, qTarget, 1e-3 * Math.abs(qPolicy) + 1e-3, lines.get(i));
            }
        }
        // --search-iterations 2 (tinyRun's own I is 1): the first iteration draws the same candidates, the second adds
        // more, so every state's best Q can only rise
        Path two = dir.resolve("two.csv");
        assertEquals(0, forler("inspect", out.toString(), "--states", "64", "--search", "zero:2", "--search-iterations", "2",
                "--cache", dir.resolve("cache").toString(), "--csv", two.toString()).code());
        List<String> twice = Files.readAllLines(two);
        for (int i = 4; i < twice.size(); i++) {
            double once = Double.parseDouble(lines.get(2 * i - 4).split(",")[12]), more = Double.parseDouble(twice.get(i).split(",")[12]);
            assertTrue(more >= once, "Q(s, â) over 2 iterations " + more + " below 1 iteration's " + once);
            assertNotEquals(lines.get(2 * i - 4), twice.get(i), "a second iteration changed no rectified action");
        }
        refused(forler("inspect", out.toString(), "--search-iterations", "-1"), "--search-iterations must be >= 0");
        refused(forler("inspect", out.toString(), "--search", "zero"), "--search takes X0:Y0 pairs", "got 'zero'");
        refused(forler("inspect", out.toString(), "--search", "policy:-1"), "--search takes X0:Y0 pairs", "got 'policy:-1'");
        Path cql = dir.resolve("cql");
        assertEquals(0, forler(tinyRun(dir, "--algo", "fedcql", "--out", cql.toString())).code());
        refused(forler("inspect", cql.toString(), "--search", "zero:2", "--cache", dir.resolve("cache").toString()),
                "--search needs a FORLER run's checkpoints", "--algo fedcql");
    }

    @Test
    void badCheckpointsAreOneLine(@TempDir Path dir) throws Exception {
        refused(forler("inspect", dir.resolve("missing.safetensors").toString()), "CHECKPOINT: no file", "missing.safetensors");
        Path bare = dir.resolve("bare.safetensors");
        new StateDict().scalar("round", 0).save(bare);
        refused(forler("inspect", bare.toString()), "records no run settings");
        Path a = dir.resolve("a"), b = dir.resolve("b");
        assertEquals(0, forler(tinyRun(dir, "--out", a.toString())).code());
        assertEquals(0, forler(tinyRun(dir, "--out", b.toString(), "--seed", "7")).code());
        refused(forler("inspect", a.toString(), b.toString(), "--cache", dir.resolve("cache").toString()), "is not of this run", "--seed 7, not 0");
        refused(forler("inspect", a.toString(), "--states", "0"), "--states must be >= 1");
        refused(forler("inspect", a.toString(), "--episodes", "-1"), "--episodes must be >= 0");
    }
}

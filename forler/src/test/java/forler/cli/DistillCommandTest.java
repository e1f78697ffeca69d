package forler.cli;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.BehaviourPolicies;
import forler.data.D4rlIO;
import forler.data.Dataset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DistillCommandTest {
    private static String run(Path out, String... extra) {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new DistillCommand());
        cl.setOut(new PrintWriter(sw));
        cl.setErr(new PrintWriter(sw));
        List<String> args = new java.util.ArrayList<>(List.of("--task", "bipedalwalker", "--out", out.toString(), "--iterations", "2",
                "--episodes", "1", "--grad-steps", "20", "--hidden", "16", "--eval-episodes", "1"));
        args.addAll(List.of(extra));
        int rc = cl.execute(args.toArray(String[]::new));
        assertEquals(0, rc, sw.toString());
        return sw.toString();
    }

    /** A tiny run writes every file `forler behaviour --ship` and the dataset builder read, with the iteration's rows. */
    @Test
    void writesSnapshotsPoliciesAndTheReplayUpToTheMediumIteration(@TempDir Path dir) throws Exception {
        String log = run(dir, "--save-medium-at", "-1000");  // any evaluation reaches it: medium = iteration 0
        assertTrue(log.contains("medium level -1000.00 reached"), log);
        List<String> csv = Files.readAllLines(dir.resolve("evals.csv"));
        assertEquals(DistillCommand.CSV_HEADER, csv.get(0));
        assertEquals(3, csv.size(), "header + one row per iteration");
        for (String f : List.of("snapshots/actor-0.safetensors", "snapshots/actor-1.safetensors", "policy-medium.safetensors",
                "policy-expert.safetensors", "policy-final.safetensors"))
            assertTrue(Files.exists(dir.resolve(f)), f);
        BehaviourPolicies.Loaded medium = BehaviourPolicies.read(dir.resolve("policy-medium.safetensors"));
        assertEquals("bipedalwalker", medium.task());
        assertEquals("medium", medium.kind());
        assertEquals("0", medium.meta().get("iteration"));
        Dataset replay = D4rlIO.read(dir.resolve("medium-replay.hdf5"));
        long transitionsAtMedium = Long.parseLong(csv.get(1).split(",")[3]);
        assertEquals(transitionsAtMedium, replay.size(), "the replay holds what iteration 0 executed");
        assertEquals(1, replay.episodeReturns().length, "one episode per iteration");
    }

    @Test
    void mediumIterationPicksTheMediumAndItsReplay(@TempDir Path dir) throws Exception {
        String log = run(dir, "--medium-iteration", "1");
        assertTrue(log.contains("--medium-iteration 1: saved policy-medium"), log);
        assertEquals("1", BehaviourPolicies.read(dir.resolve("policy-medium.safetensors")).meta().get("iteration"));
        long transitions = Long.parseLong(Files.readAllLines(dir.resolve("evals.csv")).get(2).split(",")[3]);
        assertEquals(transitions, D4rlIO.read(dir.resolve("medium-replay.hdf5")).size(), "both iterations' transitions");
    }

    @Test
    void sameSeedSameStudent(@TempDir Path dir) throws Exception {
        run(dir.resolve("a"));
        run(dir.resolve("b"));
        assertArrayEquals(BehaviourPolicies.read(dir.resolve("a/snapshots/actor-1.safetensors")).actor().mu.weight.data,
                BehaviourPolicies.read(dir.resolve("b/snapshots/actor-1.safetensors")).actor().mu.weight.data);
        assertEquals(Files.readAllLines(dir.resolve("a/evals.csv")).get(2).split(",")[7],
                Files.readAllLines(dir.resolve("b/evals.csv")).get(2).split(",")[7], "the same evaluation return");
    }

    @Test
    void refusesToOverwriteAnEarlierRun(@TempDir Path dir) throws Exception {
        run(dir);
        byte[] before = Files.readAllBytes(dir.resolve("evals.csv"));
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new DistillCommand());
        cl.setErr(new PrintWriter(sw));
        cl.setOut(new PrintWriter(sw));
        assertNotEquals(0, cl.execute("--task", "bipedalwalker", "--out", dir.toString(), "--iterations", "1"));
        assertTrue(sw.toString().contains("already holds a distill run"), sw.toString());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("evals.csv")), "the earlier run's log is untouched");
    }

    @Test
    void refusesATaskWithoutAScriptedController(@TempDir Path dir) {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new DistillCommand());
        cl.setErr(new PrintWriter(sw));
        cl.setOut(new PrintWriter(sw));
        assertNotEquals(0, cl.execute("--task", "pendulum", "--out", dir.toString()));
        assertTrue(sw.toString().contains("no scripted controller for task 'pendulum'"), sw.toString());
    }
}

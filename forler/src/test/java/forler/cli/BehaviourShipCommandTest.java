package forler.cli;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.BehaviourPolicies;
import forler.data.D4rlIO;
import forler.data.Dataset;
import forler.engine.Rng;
import forler.env.ActionScale;
import forler.io.StateDict;
import forler.rl.OnlineTraining;
import forler.rl.ReplayBuffer;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code behaviour ship} on a hand-made `forler sac` folder of pendulum: the expert is the shipped pendulum expert;
 * snapshot 2000 is the same actor (100% of the expert, inside the band), snapshot 1500 the shipped medium (about −11
 * normalised) although evals.csv claims 80: the command must re-evaluate, reject 1500 and take 2000.
 */
class BehaviourShipCommandTest {
    private static final int EPISODE = 200; // pendulum's time limit

    private static void copyResource(String res, Path to) throws Exception {
        try (InputStream in = BehaviourShipCommandTest.class.getClassLoader().getResourceAsStream(res)) {
            assertNotNull(in, res);
            Files.copy(in, to);
        }
    }

    /** A run folder: expert, three snapshots, evals.csv and a checkpoint whose buffer holds 12 whole episodes of noise. */
    private static Path fakeRun(Path dir) throws Exception { return fakeRun(dir, 10_000); }

    /**
     * As {@link #fakeRun(Path)} with a replay buffer of {@code capacity}: below 12 episodes (2400 transitions) its ring
     * has wrapped, and the run folder holds medium-replay.hdf5, the first 2200 transitions as `forler sac` writes them
     * when it first reaches its medium level.
     */
    private static Path fakeRun(Path dir, int capacity) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run/snapshots"));
        run = run.getParent();
        copyResource(BehaviourPolicies.resource("pendulum", "expert"), run.resolve("policy-expert.safetensors"));
        copyResource(BehaviourPolicies.resource("pendulum", "medium"), run.resolve("snapshots/actor-1000.safetensors"));
        copyResource(BehaviourPolicies.resource("pendulum", "medium"), run.resolve("snapshots/actor-1500.safetensors"));
        copyResource(BehaviourPolicies.resource("pendulum", "expert"), run.resolve("snapshots/actor-2000.safetensors"));
        Files.writeString(run.resolve("evals.csv"), OnlineTraining.CSV_HEADER + "\n"
                + "1000,5,1.0,-1300.0,10.0,-9.00,-1300.0,0.1,1.0\n"
                + "1500,7,2.0,-400.0,10.0,80.00,-400.0,0.1,1.0\n"
                + "2000,10,3.0,-160.0,10.0,99.00,-160.0,0.1,1.0\n");
        ReplayBuffer b = new ReplayBuffer(3, 1, capacity), whole = new ReplayBuffer(3, 1, 12 * EPISODE);
        Rng rng = new Rng(3);
        for (int i = 0; i < 12 * EPISODE; i++) {
            float[] o = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat()}, o2 = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat()};
            float[] a = {2 * rng.nextFloat() - 1};
            b.add(o, a, i, o2, false, (i + 1) % EPISODE == 0);
            whole.add(o, a, i, o2, false, (i + 1) % EPISODE == 0);
        }
        new StateDict().put("buffer.", b.state()).save(run.resolve(OnlineTraining.CHECKPOINT));
        if (capacity < 12 * EPISODE) D4rlIO.write(run.resolve("medium-replay.hdf5"), whole.toDataset(2200, new ActionScale(new float[] {-2}, new float[] {2})), Map.of());
        return run;
    }

    private static String ship(Path run, Path to, List<String> extra, int expectRc) {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new BehaviourShipCommand());
        cl.setOut(new PrintWriter(sw));
        cl.setErr(new PrintWriter(sw));
        List<String> args = new ArrayList<>(List.of("--run", run.toString(), "--to", to.toString(), "--curve-to", to.resolve("curves").toString(),
                "--episodes", "3", "--replay-cap", "450"));
        args.addAll(extra);
        assertEquals(expectRc, cl.execute(args.toArray(String[]::new)), sw.toString());
        return sw.toString();
    }

    @Test
    void shipsExpertTheInBandSnapshotAndTheReplayUpToIt(@TempDir Path dir) throws Exception {
        Path run = fakeRun(dir), to = dir.resolve("policies");
        String log = ship(run, to, List.of("--medium-band", "50:100"), 0);
        assertTrue(log.contains("step 1500: normalised"), "the mis-recorded snapshot is re-evaluated and rejected: " + log);
        assertTrue(log.contains("medium: snapshot of step 2000"), log);

        BehaviourPolicies.Loaded expert = BehaviourPolicies.read(to.resolve("pendulum-expert.safetensors"));
        assertEquals("expert", expert.kind());
        assertEquals("3", expert.meta().get("return_episodes"));
        BehaviourPolicies.Loaded medium = BehaviourPolicies.read(to.resolve("pendulum-medium.safetensors"));
        assertEquals("medium", medium.kind());
        assertEquals(expert.meta().get("return_mean"), medium.meta().get("return_mean"), "same actor, same episodes");

        Dataset replay = D4rlIO.read(to.resolve("pendulum-medium-replay.hdf5"));
        assertEquals(2 * EPISODE, replay.size(), "the first 2000 steps hold 10 episodes; two whole ones fit in 450");
        for (int i = 0; i < replay.size(); i++) {
            assertTrue(replay.rewards()[i] < 2000, "only transitions before the medium step");
            assertEquals((i + 1) % EPISODE == 0, replay.timeouts()[i], "whole episodes, row " + i);
        }
        assertEquals(Files.readString(run.resolve("evals.csv")), Files.readString(to.resolve("curves/pendulum-evals.csv")));
    }

    /**
     * A run longer than its replay buffer (the ring wrapped): medium-replay comes from the first rows of the run's
     * medium-replay.hdf5 and is the same data as from an unwrapped buffer; without that file the command refuses.
     */
    @Test
    void aWrappedBufferTakesTheReplayFromTheRunsMediumReplayFile(@TempDir Path dir) throws Exception {
        ship(fakeRun(dir.resolve("a")), dir.resolve("a/p"), List.of("--medium-band", "50:100"), 0);
        Path wrapped = fakeRun(dir.resolve("b"), 2000);
        ship(wrapped, dir.resolve("b/p"), List.of("--medium-band", "50:100"), 0);
        Dataset x = D4rlIO.read(dir.resolve("a/p/pendulum-medium-replay.hdf5")), y = D4rlIO.read(dir.resolve("b/p/pendulum-medium-replay.hdf5"));
        assertArrayEquals(x.observations(), y.observations());
        assertArrayEquals(x.actions(), y.actions());
        assertArrayEquals(x.rewards(), y.rewards());
        assertArrayEquals(x.timeouts(), y.timeouts());
        Files.delete(wrapped.resolve("medium-replay.hdf5"));
        String log = ship(wrapped, dir.resolve("b/q"), List.of("--medium-band", "50:100"), 1);
        assertTrue(log.contains("the replay buffer has wrapped (2400 transitions added, capacity 2000)") && log.contains("is missing"), log);
    }

    @Test
    void mediumAfterLeavesEarlierSnapshotsOut(@TempDir Path dir) throws Exception {
        String log = ship(fakeRun(dir), dir.resolve("p"), List.of("--medium-band", "50:100", "--medium-after", "1500"), 0);
        assertFalse(log.contains("step 1500: normalised"), "1500 is not a candidate: " + log);
        assertTrue(log.contains("medium: snapshot of step 2000"), log);
    }

    @Test
    void refusesABandThatNoEvaluationReaches(@TempDir Path dir) throws Exception {
        Path run = fakeRun(dir);
        String log = ship(run, dir.resolve("p"), List.of("--medium-band", "10:20"), 1);
        assertTrue(log.contains("no evaluation after step 0 lies in 10:20% of the expert's normalised score"), log);
        assertFalse(Files.exists(dir.resolve("p/pendulum-medium.safetensors")));
    }

    @Test
    void refusesAFolderThatIsNotASacRun(@TempDir Path dir) throws Exception {
        String log = ship(Files.createDirectories(dir.resolve("empty")), dir.resolve("p"), List.of(), 1);
        assertTrue(log.contains("no policy-expert.safetensors"), log);
        assertThrows(IllegalArgumentException.class, () -> BehaviourShipCommand.parseBand("40:30"));
        assertThrows(IllegalArgumentException.class, () -> BehaviourShipCommand.parseBand("x"));
    }
}

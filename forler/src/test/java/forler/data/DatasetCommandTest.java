package forler.data;

import forler.cli.DatasetCommand;
import forler.env.Env;
import forler.env.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class DatasetCommandTest {
    @TempDir
    Path tmp;

    final StringWriter out = new StringWriter(), err = new StringWriter();

    int run(Function<String, Env> envs, PolicyProvider policies, String... args) {
        CommandLine cl = new CommandLine(new DatasetCommand(envs, policies));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void randomDatasetIsWrittenAndCached() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Function<String, Env> envs = t -> {
            made.incrementAndGet();
            return new PointMassEnv();
        };
        Path file = tmp.resolve("out/point-random.hdf5"), cache = tmp.resolve("cache");
        String[] args = {"--task", "point", "--data", "random", "--size", "250", "--seed", "4",
                "--out", file.toString(), "--cache", cache.toString()};
        assertEquals(0, run(envs, PolicyProvider.none(), args), err.toString());
        Dataset d = D4rlIO.read(file);
        assertEquals(250, d.size());
        assertEquals(2, d.obsDim());
        assertEquals("random", D4rlIO.readAttributes(file).get("kind"));
        assertTrue(Files.isRegularFile(cache.resolve("point-random-250-4.hdf5")));
        assertTrue(out.toString().contains("250 transitions"), out.toString());
        // Same as collecting directly with the same seed.
        DatasetTest.assertSameData(DatasetBuilder.collect(new PointMassEnv(),
                DatasetBuilder.uniformRandom(new PointMassEnv()), 250, 4, "t", false), d);

        Files.delete(file);
        assertEquals(0, run(envs, PolicyProvider.none(), args), err.toString());
        assertEquals(1, made.get(), "second run must load from the cache");
        DatasetTest.assertSameData(d, D4rlIO.read(file));
    }

    @Test
    void expertComesFromTheProviderWithThePolicyFileInTheKey() throws Exception {
        Path policy = tmp.resolve("expert.ckpt");
        Files.writeString(policy, "weights");
        Path[] seen = new Path[1];
        PolicyProvider provider = (task, kind, checkpoint) -> {
            seen[0] = checkpoint;
            Policy p = (obs, rng) -> new float[] {0.25f};
            return p;
        };
        Path cache = tmp.resolve("cache");
        assertEquals(0, run(t -> new PointMassEnv(), provider, "--task", "point", "--data", "expert", "--size", "60",
                "--policy", policy.toString(), "--cache", cache.toString()), err.toString());
        assertEquals(policy, seen[0]);
        Path cached = cache.resolve("point-expert-60-0-" + PolicyProvider.sha256Prefix(policy) + ".hdf5");
        assertTrue(Files.isRegularFile(cached), "expected " + cached);
        for (float a : D4rlIO.read(cached).actions()) assertEquals(0.25f, a);
        assertTrue(out.toString().startsWith(cached.toString()), out.toString());
    }

    /** --format minari: the same transitions, one episode group each, read back through the layout detection. */
    @Test
    void minariFormatWritesTheSameTransitionsAsEpisodes() throws Exception {
        Path file = tmp.resolve("point-random-minari.hdf5");
        assertEquals(0, run(t -> new PointMassEnv(), PolicyProvider.none(), "--task", "point", "--data", "random",
                "--size", "120", "--seed", "2", "--format", "minari", "--no-cache", "--out", file.toString()), err.toString());
        assertEquals(DatasetFile.Format.MINARI, DatasetFile.detect(file));
        Dataset direct = DatasetBuilder.collect(new PointMassEnv(), DatasetBuilder.uniformRandom(new PointMassEnv()), 120, 2, "t", false);
        DatasetTest.assertSameData(direct, DatasetFile.read(file));
        assertEquals("random", D4rlIO.readAttributes(file).get("kind"));

        assertNotEquals(0, run(t -> new PointMassEnv(), PolicyProvider.none(), "--task", "point", "--data", "random",
                "--size", "10", "--format", "parquet", "--out", file.toString()));
        assertTrue(err.toString().contains("unknown dataset format 'parquet', expected d4rl or minari"), err.toString());
        assertNotEquals(0, run(t -> new PointMassEnv(), PolicyProvider.none(), "--task", "point", "--data", "random",
                "--size", "10", "--format", "minari", "--cache", tmp.toString()));
        assertTrue(err.toString().contains("--format minari needs --out"), err.toString());
    }

    @Test
    void badArgumentsGiveClearErrors() {
        assertNotEquals(0, run(t -> new PointMassEnv(), PolicyProvider.none(), "--task", "point", "--data", "mediocre",
                "--size", "10", "--cache", tmp.toString()));
        assertTrue(err.toString().contains("unknown dataset kind 'mediocre'"), err.toString());

        assertEquals(1, run(t -> new PointMassEnv(), PolicyProvider.none(), "--task", "point", "--data", "medium",
                "--size", "10", "--cache", tmp.toString()));
        assertTrue(err.toString().contains("only --data random works"), err.toString());

        assertNotEquals(0, run(t -> new PointMassEnv(), PolicyProvider.none(), "--task", "point", "--data", "random",
                "--size", "0", "--cache", tmp.toString()));
        assertTrue(err.toString().contains("dataset size must be positive"), err.toString());
    }
}

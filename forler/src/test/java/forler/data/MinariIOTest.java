package forler.data;

import forler.engine.Rng;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

class MinariIOTest {
    @TempDir
    Path tmp;

    static Path fixture() throws URISyntaxException {
        return Path.of(MinariIOTest.class.getResource("minari_fixture.hdf5").toURI());
    }

    /**
     * A dataset whose rows chain within episodes (next_obs[i] = obs[i+1]), as every collected dataset does; every 5th
     * row terminal, every 7th a timeout, so n = 37 ends with an open (cut, unflagged) episode.
     */
    static Dataset chained(int n, int obs, int act, long seed) {
        Rng rng = new Rng(seed);
        float[] o = new float[obs], a = new float[act], no = new float[obs];
        rng.fillUniform(o, -3, 3);
        Dataset.Builder b = new Dataset.Builder(obs, act, n);
        for (int i = 0; i < n; i++) {
            rng.fillUniform(a, -1, 1);
            rng.fillUniform(no, -3, 3);
            boolean t = i % 5 == 4, to = !t && i % 7 == 6;
            b.add(o, a, rng.nextFloat() * 3 - 1, no, t, to);
            if (t || to) rng.fillUniform(o, -3, 3); // a reset: the next episode starts elsewhere
            else o = no.clone();
        }
        return b.build();
    }

    /** The fixture was written by h5py as Minari lays a dataset out: episode groups, observations one longer. */
    @Test
    void readsH5pyFixtureExactly() throws Exception {
        assertEquals(DatasetFile.Format.MINARI, DatasetFile.detect(fixture()));
        Dataset d = DatasetFile.read(fixture());
        int obs = 3, act = 2;
        assertEquals(obs, d.obsDim());
        assertEquals(act, d.actDim());
        // The formulas of make_minari_fixture.py, in double then rounded once to float, as numpy does; episodes
        // in numeric id order (episode_10 last although h5py lists it third).
        int i = 0;
        for (int e = 0; e < 11; e++) {
            int steps = 2 + e % 3;
            for (int t = 0; t < steps; t++, i++) {
                String at = "episode " + e + " step " + t;
                for (int j = 0; j < obs; j++) {
                    assertEquals((float) (e + 0.1 * t + 0.01 * j), d.observations()[i * obs + j], 0f, "obs " + at);
                    assertEquals((float) (e + 0.1 * (t + 1) + 0.01 * j), d.nextObservations()[i * obs + j], 0f, "next " + at);
                }
                for (int j = 0; j < act; j++)
                    assertEquals((float) (((e * 7 + t * 3 + j) % 5) / 5.0 * 2 - 1), d.actions()[i * act + j], 0f, "act " + at);
                assertEquals((float) (0.5 * e - 0.25 * t), d.rewards()[i], 0f, "reward " + at);
                assertEquals(t == steps - 1 && e % 2 == 0, d.terminals()[i], "terminal " + at);
                assertEquals(t == steps - 1 && e % 2 == 1, d.timeouts()[i], "timeout " + at);
            }
        }
        assertEquals(32, i);
        assertEquals(32, d.size());
        assertEquals(11, d.episodeStarts().length - 1);
        assertEquals("forler/fixture-v0", D4rlIO.readAttributes(fixture()).get("dataset_id"));
    }

    @Test
    void writeThenReadRoundTripsAndClosesTheCutLastEpisode() throws Exception {
        Dataset d = chained(37, 5, 2, 7L);
        assertFalse(d.terminals()[36] || d.timeouts()[36], "the last episode must be open for this test");
        Path p = tmp.resolve("sub/minari.hdf5");
        MinariIO.write(p, d, Map.of("task", "point", "dataset_id", "point/random-v0"));
        assertEquals(DatasetFile.Format.MINARI, DatasetFile.detect(p));
        Dataset r = DatasetFile.read(p);
        // Every value survives; the open last episode comes back truncated at its last step.
        boolean[] timeouts = d.timeouts().clone();
        timeouts[36] = true;
        DatasetTest.assertSameData(new Dataset(5, 2, d.observations(), d.actions(), d.rewards(), d.nextObservations(),
                d.terminals(), timeouts), r);
        // The file's structure, as Minari reads it.
        int[] starts = d.episodeStarts();
        try (HdfFile f = new HdfFile(p)) {
            assertEquals(starts.length - 1, ((Number) f.getAttribute("total_episodes").getData()).intValue());
            assertEquals(37, ((Number) f.getAttribute("total_steps").getData()).intValue());
            assertEquals("point/random-v0", f.getAttribute("dataset_id").getData());
            for (int e = 0; e + 1 < starts.length; e++) {
                int t = starts[e + 1] - starts[e];
                var g = (io.jhdf.api.Group) f.getChild("episode_" + e);
                assertArrayEquals(new int[] {t + 1, 5}, g.getDatasetByPath("observations").getDimensions(), "episode " + e);
                assertArrayEquals(new int[] {t, 2}, g.getDatasetByPath("actions").getDimensions());
                assertArrayEquals(new int[] {t}, g.getDatasetByPath("truncations").getDimensions());
                assertEquals(e, ((Number) g.getAttribute("id").getData()).intValue());
                assertEquals(t, ((Number) g.getAttribute("total_steps").getData()).intValue());
                assertEquals(java.util.Set.of("observations", "actions", "rewards", "terminations", "truncations"),
                        g.getChildren().keySet());
            }
        }
        try (var files = Files.list(p.getParent())) {
            assertEquals(1, files.count(), "temp file left behind");
        }
    }

    /** D4RL's h5py fixture → Minari → D4RL keeps every transition and flag, bit for bit. */
    @Test
    void d4rlToMinariToD4rlPreservesEveryTransition() throws Exception {
        Dataset d4rl = DatasetFile.read(D4rlIOTest.fixture());
        assertEquals(DatasetFile.Format.D4RL, DatasetFile.detect(D4rlIOTest.fixture()));
        Path m = tmp.resolve("m.hdf5"), back = tmp.resolve("back.hdf5");
        DatasetFile.write(m, d4rl, Map.of(), DatasetFile.Format.MINARI);
        DatasetFile.write(back, DatasetFile.read(m), Map.of(), DatasetFile.Format.D4RL);
        assertEquals(DatasetFile.Format.D4RL, DatasetFile.detect(back));
        DatasetTest.assertSameData(d4rl, DatasetFile.read(back));
    }

    @Test
    void nextObservationThatBreaksTheChainIsRefusedWithTheRow() {
        Dataset d = DatasetTest.random(12, 3, 1, 1L); // independent next observations: row 0 → 1 breaks already
        var e = assertThrows(IllegalArgumentException.class, () -> MinariIO.write(tmp.resolve("x.hdf5"), d, Map.of()));
        assertTrue(e.getMessage().contains("row 0's next observation differs from row 1's observation"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.hdf5")));
    }

    @Test
    void fileInNeitherLayoutNamesTheFile() throws Exception {
        Path p = writeRaw("other.hdf5", f -> f.putDataset("obs", new float[3][2]));
        var e = assertThrows(InvalidDatasetException.class, () -> DatasetFile.read(p));
        assertEquals(p + ": neither D4RL's layout ('observations', 'actions', ... at the root) nor Minari's "
                + "('episode_{id}' groups); found [obs]", e.getMessage());
        Path text = tmp.resolve("notes.hdf5");
        Files.writeString(text, "not HDF5\n".repeat(100));
        var e2 = assertThrows(InvalidDatasetException.class, () -> DatasetFile.read(text));
        assertTrue(e2.getMessage().startsWith(text + ": is not a readable HDF5 file"), e2.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> DatasetFile.read(tmp.resolve("absent.hdf5")));
    }

    @Test
    void missingKeyNamesEpisodeAndKey() throws Exception {
        Path p = writeRaw("nokey.hdf5", f -> {
            WritableGroup g = f.putGroup("episode_0");
            g.putDataset("observations", new float[3][2]);
            g.putDataset("rewards", new float[2]);
            g.putDataset("terminations", new boolean[2]);
            g.putDataset("truncations", new boolean[2]);
        });
        var e = assertThrows(InvalidDatasetException.class, () -> DatasetFile.read(p));
        assertTrue(e.getMessage().contains("nokey.hdf5: missing key 'episode_0/actions'"), e.getMessage());
    }

    @Test
    void observationsMustBeOneLongerThanActions() throws Exception {
        Path p = writeRaw("short.hdf5", f -> {
            WritableGroup g = f.putGroup("episode_0");
            g.putDataset("observations", new float[2][2]); // D4RL-style [T, obs]: the final observation is missing
            g.putDataset("actions", new float[2][1]);
            g.putDataset("rewards", new float[2]);
            g.putDataset("terminations", new boolean[2]);
            g.putDataset("truncations", new boolean[2]);
        });
        var e = assertThrows(InvalidDatasetException.class, () -> DatasetFile.read(p));
        assertTrue(e.getMessage().contains("key 'episode_0/observations' has shape [2, 2] with 2 rows, but an episode of 2 "
                + "steps ('actions' has 2 rows) has 3 observations"), e.getMessage());
    }

    @Test
    void dictObservationsAreRefusedClearly() throws Exception {
        Path p = writeRaw("dict.hdf5", f -> {
            WritableGroup g = f.putGroup("episode_0");
            g.putGroup("observations").putDataset("position", new float[3][2]);
            g.putDataset("actions", new float[2][1]);
            g.putDataset("rewards", new float[2]);
            g.putDataset("terminations", new boolean[2]);
            g.putDataset("truncations", new boolean[2]);
        });
        var e = assertThrows(InvalidDatasetException.class, () -> DatasetFile.read(p));
        assertTrue(e.getMessage().contains("'episode_0/observations' is a group (a Dict or Tuple space)"), e.getMessage());
    }

    /** Minari never writes an episode that ends unflagged; read one as cut (timeout) so episodes stay apart. */
    @Test
    void unflaggedEpisodeEndIsReadAsTimeout() throws Exception {
        Path p = writeRaw("open.hdf5", f -> {
            for (int e = 0; e < 2; e++) {
                WritableGroup g = f.putGroup("episode_" + e);
                g.putDataset("observations", new float[][] {{10 * e}, {10 * e + 1}, {10 * e + 2}});
                g.putDataset("actions", new float[2][1]);
                g.putDataset("rewards", new double[] {e, e}); // float64, as Minari stores them
                g.putDataset("terminations", new boolean[2]);
                g.putDataset("truncations", new boolean[2]);
            }
        });
        Dataset d = DatasetFile.read(p);
        assertArrayEquals(new float[] {0, 1, 10, 11}, d.observations());
        assertArrayEquals(new float[] {1, 2, 11, 12}, d.nextObservations());
        assertArrayEquals(new float[] {0, 0, 1, 1}, d.rewards());
        assertArrayEquals(new boolean[] {false, true, false, true}, d.timeouts());
        assertEquals(2, d.episodeStarts().length - 1);
        assertTrue(Arrays.equals(new boolean[4], d.terminals()));
    }

    private Path writeRaw(String name, Consumer<WritableHdfFile> body) {
        Path p = tmp.resolve(name);
        try (WritableHdfFile f = HdfFile.write(p)) {
            body.accept(f);
        }
        return p;
    }
}

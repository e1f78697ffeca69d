package forler.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpisodesTest {
    /** 6 episodes of lengths 1..6 (21 rows); reward = episode index, so rows tell their episode. */
    private static Dataset episodes() {
        int n = 21, s = 2, a = 1;
        float[] obs = new float[n * s], act = new float[n * a], rew = new float[n], next = new float[n * s];
        boolean[] term = new boolean[n], tout = new boolean[n];
        int row = 0;
        for (int e = 0; e < 6; e++) {
            for (int t = 0; t <= e; t++, row++) {
                rew[row] = e;
                obs[row * s] = row;
                next[row * s] = row + 1;
                act[row] = t;
            }
            if (e % 2 == 0) term[row - 1] = true; else tout[row - 1] = true;
        }
        return new Dataset(s, a, obs, act, rew, next, term, tout);
    }

    @Test
    void subsetKeepsWholeEpisodesInOrderWithinTheCapAndIsSeeded() {
        Dataset d = episodes();
        Dataset sub = Episodes.subset(d, 10, 7);
        assertTrue(sub.size() <= 10 && sub.size() > 0, "cap");
        int[] starts = sub.episodeStarts();
        float last = -1;
        for (int e = 0; e + 1 < starts.length; e++) {
            float ep = sub.rewards()[starts[e]];
            assertTrue(ep > last, "original order");
            last = ep;
            assertEquals((int) ep + 1, starts[e + 1] - starts[e], "episode " + ep + " whole");
            for (int i = starts[e]; i < starts[e + 1]; i++) {
                assertEquals(ep, sub.rewards()[i]);
                assertEquals(sub.observations()[i * 2] + 1, sub.nextObservations()[i * 2], "rows travel together");
            }
            int end = starts[e + 1] - 1;
            assertEquals(ep % 2 == 0, sub.terminals()[end], "flags kept");
            assertEquals(ep % 2 == 1, sub.timeouts()[end], "flags kept");
        }
        DatasetTest.assertSameData(sub, Episodes.subset(d, 10, 7));
        assertSame(d, Episodes.subset(d, 21, 0), "everything fits");
        boolean differs = false;
        for (long seed = 0; seed < 8 && !differs; seed++)
            differs = Episodes.subset(d, 10, seed).size() != sub.size() || !java.util.Arrays.equals(Episodes.subset(d, 10, seed).rewards(), sub.rewards());
        assertTrue(differs, "the seed picks the episodes");
        assertThrows(IllegalArgumentException.class, () -> Episodes.subset(d, 0, 0));
    }

    @Test
    void returnStatsAreMeanAndPopulationStd() {
        double[] s = Episodes.returnStats(episodes()); // returns e·(e+1) for e = 0..5: 0, 2, 6, 12, 20, 30
        assertEquals(70.0 / 6, s[0], 1e-12);
        double var = 0;
        for (double r : new double[] {0, 2, 6, 12, 20, 30}) var += (r - 70.0 / 6) * (r - 70.0 / 6);
        assertEquals(Math.sqrt(var / 6), s[1], 1e-12);
        assertEquals(6, Episodes.count(episodes()));
    }

    @Test
    void gzipWriteRoundTripsAndIsSmallerOnSparseData(@TempDir Path tmp) throws Exception {
        int n = 5000, s = 40;
        float[] obs = new float[n * s], next = new float[n * s]; // mostly zeros, like ant's contact forces
        for (int i = 0; i < n; i++) { obs[i * s] = i; next[i * s] = i + 1; }
        boolean[] tout = new boolean[n];
        tout[n - 1] = true;
        Dataset d = new Dataset(s, 1, obs, new float[n], new float[n], next, new boolean[n], tout);
        D4rlIO.write(tmp.resolve("plain.hdf5"), d, Map.of("kind", "x"));
        D4rlIO.write(tmp.resolve("gz.hdf5"), d, Map.of("kind", "x"), 6);
        DatasetTest.assertSameData(d, D4rlIO.read(tmp.resolve("gz.hdf5")));
        assertEquals("x", D4rlIO.readAttributes(tmp.resolve("gz.hdf5")).get("kind"));
        assertTrue(Files.size(tmp.resolve("gz.hdf5")) * 4 < Files.size(tmp.resolve("plain.hdf5")),
                Files.size(tmp.resolve("gz.hdf5")) + " vs " + Files.size(tmp.resolve("plain.hdf5")));
        assertThrows(IllegalArgumentException.class, () -> D4rlIO.write(tmp.resolve("bad.hdf5"), d, Map.of(), 10));
    }
}

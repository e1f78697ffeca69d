package forler.cli;

import forler.data.D4rlIO;
import forler.data.Dataset;
import forler.data.InvalidDatasetException;
import forler.data.MinariIO;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code train --dataset-file FILE} takes either layout, told apart by the file's structure, not its name. */
class TrainCommandDatasetTest {
    @TempDir
    Path tmp;

    private static TrainCommand withDataset(Path p) {
        TrainCommand c = new TrainCommand();
        c.datasetFile = p;
        c.task = "pendulum";
        return c;
    }

    /** 30 pendulum transitions (obs 3, act 1 in [−2, 2]) in 3 episodes of 10, the last cut by the time limit. */
    private static Dataset pendulumData() {
        int n = 30;
        float[] obs = new float[n * 3], act = new float[n], rew = new float[n], next = new float[n * 3];
        boolean[] term = new boolean[n], tout = new boolean[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) { obs[i * 3 + j] = i + j; next[i * 3 + j] = i + 1 + j; }
            act[i] = (i % 5) - 2f;
            rew[i] = -i;
        }
        term[9] = true;
        tout[19] = true;
        tout[29] = true;
        return new Dataset(3, 1, obs, act, rew, next, term, tout);
    }

    @Test
    void readsD4rlAndMinariFilesWhateverTheirNames() throws Exception {
        Path d4rl = tmp.resolve("a.h5"), minari = tmp.resolve("main_data.hdf5");
        D4rlIO.write(d4rl, pendulumData(), Map.of());
        MinariIO.write(minari, pendulumData(), Map.of());
        assertEquals(30, withDataset(d4rl).loadDataset().size());
        assertEquals(30, withDataset(minari).loadDataset().size());
        assertArrayEquals(pendulumData().actions(), withDataset(minari).loadDataset().actions());
    }

    @Test
    void aFileInNeitherLayoutIsOneLineNamingIt() throws Exception {
        Path p = tmp.resolve("empty.hdf5");
        try (var f = io.jhdf.HdfFile.write(p)) {
            f.putDataset("obs", new float[2][2]);
        }
        var e = assertThrows(InvalidDatasetException.class, () -> withDataset(p).loadDataset());
        assertTrue(e.getMessage().startsWith(p + ": neither D4RL's layout"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

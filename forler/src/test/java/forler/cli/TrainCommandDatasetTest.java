package forler.cli;

import forler.data.InvalidDatasetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code train --dataset FILE} takes either layout, told apart by the file's structure, not its name. */
class TrainCommandDatasetTest {
    @TempDir
    Path tmp;

    private Path copy(String resource, String name) throws Exception {
        Path p = tmp.resolve(name);
        Files.copy(Path.of(TrainCommandDatasetTest.class.getResource("/forler/data/" + resource).toURI()), p);
        return p;
    }

    private static TrainCommand withDataset(Path p) {
        TrainCommand c = new TrainCommand();
        c.dataset = p.toString();
        return c;
    }

    @Test
    void readsD4rlAndMinariFilesWhateverTheirNames() throws Exception {
        assertEquals(20, withDataset(copy("d4rl_fixture.hdf5", "a.h5")).loadDataset().size());
        assertEquals(32, withDataset(copy("minari_fixture.hdf5", "main_data.hdf5")).loadDataset().size());
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

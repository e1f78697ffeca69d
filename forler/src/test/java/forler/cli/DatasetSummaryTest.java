package forler.cli;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.Dataset;
import forler.env.Tasks;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatasetSummaryTest {
    /** Two one-step episodes with returns a and b. */
    private static Dataset twoEpisodes(float a, float b) {
        return new Dataset(1, 1, new float[2], new float[2], new float[] {a, b}, new float[2], new boolean[] {true, true}, new boolean[2]);
    }

    @Test
    void printsReturnsAndTheirNormalisedScoreForARegisteredTask() {
        Tasks.Info p = Tasks.info("pendulum"); // episodes at the random and the expert reference: normalised 0 and 100
        String line = DatasetCommand.summary(Path.of("x.hdf5"), twoEpisodes((float) p.randomReturn(), (float) p.expertReturn()), "pendulum");
        assertTrue(line.startsWith("x.hdf5: 2 transitions, 2 episodes, episode return "), line);
        assertTrue(line.endsWith(", normalised 50.0 ± 50.0"), line);
    }

    @Test
    void leavesTheNormalisedScoreOutForAnUnknownTask() {
        String line = DatasetCommand.summary(Path.of("y"), twoEpisodes(1, 3), "point");
        assertEquals("y: 2 transitions, 2 episodes, episode return 2.00 ± 1.00 [1.00, 3.00]", line);
    }
}

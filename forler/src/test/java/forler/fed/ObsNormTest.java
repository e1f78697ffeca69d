package forler.fed;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's normalisation rule on hand datasets of one-dimensional states. */
class ObsNormTest {
    /** A dataset whose states are {@code obs} (one dimension, one action of 0). */
    static Dataset states(float... obs) {
        int n = obs.length;
        return new Dataset(1, 1, obs, new float[n], new float[n], obs.clone(), new boolean[n], new boolean[n]);
    }

    @Test
    void ownGivesEachDeviceItsStatisticsAndTheGlobalPolicyDoS() {
        Dataset d0 = states(0f, 2f), d1 = states(10f, 14f), server = states(-1f, 1f, 3f, 5f);
        ObsNorm.Stats own = ObsNorm.OWN.stats(List.of(d0, d1), server);
        assertArrayEquals(new float[] {1f}, own.learners().get(0).mean());   // (0 + 2) / 2
        assertArrayEquals(new float[] {1f}, own.learners().get(0).std());    // population std of {0, 2}
        assertArrayEquals(new float[] {12f}, own.learners().get(1).mean());
        assertArrayEquals(new float[] {2f}, own.learners().get(1).std());
        assertArrayEquals(new float[] {2f}, own.global().mean());            // D_o's
        assertEquals(Math.sqrt(5), own.global().std()[0], 1e-6);
        // centralized: one learner, no separate server; the global policy is the learner's
        ObsNorm.Stats central = ObsNorm.OWN.stats(List.of(d1), null);
        assertSame(central.learners().get(0), central.global());
    }

    @Test
    void serverGivesEveryNetworkDoSStatisticsAndCentralizedCqlItsPooledData() {
        Dataset d0 = states(0f, 2f), d1 = states(10f, 14f), server = states(-1f, 1f, 3f, 5f);
        ObsNorm.Stats s = ObsNorm.SERVER.stats(List.of(d0, d1), server);
        for (Dataset.ObsStats x : List.of(s.learners().get(0), s.learners().get(1), s.global())) {
            assertArrayEquals(new float[] {2f}, x.mean());                    // D_o's, for the devices too
            assertEquals(Math.sqrt(5), x.std()[0], 1e-6);
        }
        ObsNorm.Stats central = ObsNorm.SERVER.stats(List.of(d0, d1), null); // no D_o: the pooled data's
        assertArrayEquals(new float[] {6.5f}, central.global().mean());
        assertArrayEquals(new float[] {6.5f}, central.learners().get(1).mean());
    }

    @Test
    void pooledGivesEveryNetworkTheDevicesPooledStatisticsAndNoneNothing() {
        Dataset d0 = states(0f, 2f), d1 = states(10f, 14f), server = states(-1f, 1f);
        ObsNorm.Stats pooled = ObsNorm.POOLED.stats(List.of(d0, d1), server);
        for (Dataset.ObsStats s : List.of(pooled.learners().get(0), pooled.learners().get(1), pooled.global())) {
            assertArrayEquals(new float[] {6.5f}, s.mean()); // (0 + 2 + 10 + 14) / 4, D_o left out
        }
        ObsNorm.Stats none = ObsNorm.NONE.stats(List.of(d0, d1), server);
        assertNull(none.global());
        assertNull(none.learners().get(0));
        assertNull(none.learners().get(1));
    }

    @Test
    void theFlagParsesAndNamesItsChoices() {
        assertEquals(ObsNorm.OWN, ObsNorm.parse("own"));
        assertEquals(ObsNorm.SERVER, ObsNorm.parse("server"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObsNorm.parse("global"));
        assertTrue(e.getMessage().contains("--obs-norm") && e.getMessage().contains("pooled"), e.getMessage());
        assertEquals(ObsNorm.POOLED, ObsNorm.former("fedora"));
        assertEquals(ObsNorm.NONE, ObsNorm.former("forler"));
    }
}

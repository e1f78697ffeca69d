package forler.data;

import forler.env.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class DatasetBuilderTest {
    @TempDir
    Path tmp;

    /** Pushes hard in one direction with a little noise: leaves the box, so episodes end in terminals. */
    static final Policy PUSH = (obs, rng) -> new float[] {0.9f + 0.2f * (float) rng.nextGaussian()};

    @Test
    void collectRecordsTransitionsAsTheEnvProducedThem() {
        Dataset d = DatasetBuilder.collect(new PointMassEnv(), DatasetBuilder.uniformRandom(new PointMassEnv()), 500, 1, "t", false);
        assertEquals(500, d.size());
        int step = 0;
        for (int i = 0; i < d.size(); i++) {
            float x = d.observations()[2 * i], v = d.observations()[2 * i + 1], a = d.actions()[i];
            assertTrue(a >= -1 && a <= 1);
            // Recompute the dynamics from (s, a): s' and r must match what was recorded.
            float v2 = v + 0.1f * a, x2 = x + 0.1f * v2;
            assertEquals(x2, d.nextObservations()[2 * i], 0f, "row " + i);
            assertEquals(v2, d.nextObservations()[2 * i + 1], 0f);
            assertEquals(-x2 * x2, d.rewards()[i], 1e-6f);
            step++;
            boolean terminal = Math.abs(x2) > 1.5f;
            assertEquals(terminal, d.terminals()[i], "row " + i);
            boolean timeLimit = step == PointMassEnv.MAX_STEPS && !terminal;
            if (i < d.size() - 1) {
                assertEquals(timeLimit, d.timeouts()[i], "row " + i);
                if (!d.endsEpisode(i)) { // within an episode, s' is the next row's s
                    assertEquals(d.nextObservations()[2 * i], d.observations()[2 * (i + 1)], 0f);
                    assertEquals(d.nextObservations()[2 * i + 1], d.observations()[2 * (i + 1) + 1], 0f);
                } else {
                    assertEquals(0f, d.observations()[2 * (i + 1) + 1], "a new episode starts at rest");
                    step = 0;
                }
            }
        }
        // 500 rows of <= 40-step episodes: at least one timeout, and the last row closes its episode.
        assertTrue(d.endsEpisode(d.size() - 1) && (d.terminals()[499] || d.timeouts()[499]));
    }

    @Test
    void collectIsDeterministicFromTheSeedAndClipsActions() {
        Policy wild = (obs, rng) -> new float[] {(float) (3 * rng.nextGaussian())};
        Dataset a = DatasetBuilder.collect(new PointMassEnv(), wild, 300, 7, "t", false);
        Dataset b = DatasetBuilder.collect(new PointMassEnv(), wild, 300, 7, "t", false);
        Dataset c = DatasetBuilder.collect(new PointMassEnv(), wild, 300, 8, "t", false);
        DatasetTest.assertSameData(a, b);
        assertNotEquals(a.observations()[0], c.observations()[0]);
        int clipped = 0;
        for (float x : a.actions()) {
            assertTrue(x >= -1 && x <= 1, "recorded action " + x + " outside bounds");
            if (Math.abs(x) == 1) clipped++;
        }
        assertTrue(clipped > 50, "the policy's actions should have been clipped often");
    }

    @Test
    void collectEndsWithTerminalsUnderAPushingPolicy() {
        Dataset d = DatasetBuilder.collect(new PointMassEnv(), PUSH, 400, 2, "t", false);
        int terminals = 0;
        for (boolean t : d.terminals()) if (t) terminals++;
        assertTrue(terminals > 5, "terminals: " + terminals);
        for (int i = 0; i < d.size(); i++)
            if (d.terminals()[i]) assertTrue(Math.abs(d.nextObservations()[2 * i]) > 1.5f);
    }

    /** An env whose episodes end at step 3, terminated and truncated at once: D4RL counts that as terminal only. */
    static final class BothAtOnce implements forler.env.Env {
        int t;
        @Override public String name() { return "both"; }
        @Override public int obsDim() { return 1; }
        @Override public int actDim() { return 1; }
        @Override public float[] actLow() { return new float[] {-1}; }
        @Override public float[] actHigh() { return new float[] {1}; }
        @Override public int maxEpisodeSteps() { return 3; }
        @Override public float[] reset(long seed) { t = 0; return new float[] {0}; }
        @Override public Step step(float[] a) { t++; return new Step(new float[] {t}, 1, t == 3, t == 3); }
    }

    @Test
    void terminalAtTheTimeLimitIsNotATimeout() {
        Dataset d = DatasetBuilder.collect(new BothAtOnce(), DatasetBuilder.uniformRandom(new BothAtOnce()), 7, 0, "t", false);
        assertArrayEquals(new boolean[] {false, false, true, false, false, true, false}, d.terminals());
        // Only the last row, where collection stopped mid-episode, is a timeout.
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, true}, d.timeouts());
    }

    @Test
    void kindsAndCache() {
        AtomicInteger envsMade = new AtomicInteger(), policiesAsked = new AtomicInteger();
        PolicyProvider provider = new PolicyProvider() {
            @Override
            public Policy policy(String task, DatasetBuilder.Kind kind, Path checkpoint) {
                policiesAsked.incrementAndGet();
                float level = kind == DatasetBuilder.Kind.EXPERT ? 0.5f : -0.5f;
                return (obs, rng) -> new float[] {level};
            }

            @Override
            public Dataset replayBuffer(String task, Path checkpoint) {
                return DatasetTest.random(300, 2, 1, 4);
            }
        };
        DatasetCache cache = new DatasetCache(tmp.resolve("cache"));
        DatasetBuilder builder = new DatasetBuilder(task -> {
            envsMade.incrementAndGet();
            assertEquals("point", task);
            return new PointMassEnv();
        }, provider, cache, false);

        Dataset r1 = builder.build(new DatasetBuilder.Request("point", DatasetBuilder.Kind.RANDOM, 120, 3, null));
        assertTrue(cache.contains("point-random-120-3"));
        Dataset r2 = builder.build(new DatasetBuilder.Request("point", DatasetBuilder.Kind.RANDOM, 120, 3, null));
        DatasetTest.assertSameData(r1, r2);
        assertEquals(1, envsMade.get(), "the second build must come from the cache");

        Dataset me = builder.build(new DatasetBuilder.Request("point", DatasetBuilder.Kind.MEDIUM_EXPERT, 101, 3, null));
        assertEquals(101, me.size());
        for (int i = 0; i < 50; i++) assertEquals(-0.5f, me.actions()[i]);
        for (int i = 50; i < 101; i++) assertEquals(0.5f, me.actions()[i]);
        assertTrue(cache.contains("point-medium-50-3-default") && cache.contains("point-expert-51-3-default"));
        assertTrue(cache.contains("point-medium-expert-101-3-default"));
        assertEquals(2, policiesAsked.get());

        Dataset replay = builder.build(new DatasetBuilder.Request("point", DatasetBuilder.Kind.MEDIUM_REPLAY, 100, 3, null));
        assertEquals(100, replay.size());
        var e = assertThrows(IllegalArgumentException.class,
                () -> builder.build(new DatasetBuilder.Request("point", DatasetBuilder.Kind.MEDIUM_REPLAY, 301, 3, null)));
        assertTrue(e.getMessage().contains("has 300 transitions, fewer than the 301 asked for: ask for at most 300"), e.getMessage());
    }

    @Test
    void mediumWithoutProviderSaysWhatIsMissing() {
        DatasetBuilder builder = new DatasetBuilder(t -> new PointMassEnv(), PolicyProvider.none(), null, false);
        var e = assertThrows(UnsupportedOperationException.class,
                () -> builder.build(new DatasetBuilder.Request("point", DatasetBuilder.Kind.MEDIUM, 10, 0, null)));
        assertTrue(e.getMessage().contains("only --data random works"), e.getMessage());
        assertEquals(DatasetBuilder.Kind.MEDIUM_EXPERT, DatasetBuilder.Kind.parse("medium-expert"));
        assertThrows(IllegalArgumentException.class, () -> DatasetBuilder.Kind.parse("mediocre"));
    }

}

package forler.data;

import static org.junit.jupiter.api.Assertions.*;

import forler.engine.Rng;
import forler.env.Env;
import forler.env.Policy;
import forler.env.Rollouts;
import forler.env.Tasks;
import org.junit.jupiter.api.Test;

class BehaviourPoliciesTest {
    /*
     * Measured 2026-11-24 with `forler behaviour --task pendulum --kind K --episodes 10 --seed 0 [--stochastic]`:
     *   expert deterministic −153.1 ± 72.2, stochastic −153.5 ± 71.8 (50 episodes: −161.2 ± 63.3)
     *   medium deterministic −873.2 ± 546.0, stochastic −916.6 ± 462.7 (50 episodes: −837.9 ± 551.4)
     * uniform random: −1206.7 (Tasks). The thresholds leave a wide margin.
     */
    @Test
    void shippedPendulumPoliciesReachTheirRecordedReturns() {
        try (Env env = Tasks.make("pendulum")) {
            BehaviourPolicies.Loaded expert = BehaviourPolicies.get("pendulum", "expert");
            double e = Rollouts.evaluate(env, expert.deterministic(), 10, 0).mean();
            assertTrue(e > -250, "expert return " + e);
            assertEquals(expert.recordedReturn(), e, 100, "expert return vs recorded over 50 episodes");
            double es = Rollouts.evaluate(env, BehaviourPolicies.load("pendulum", "expert"), 10, 0).mean();
            assertTrue(es > -250, "stochastic expert return " + es);

            double m = Rollouts.evaluate(env, BehaviourPolicies.loadDeterministic("pendulum", "medium"), 10, 0).mean();
            assertTrue(m > -1100 && m < -500, "medium return " + m + " should lie between random (−1207) and expert");
        }
    }

    /** Measured: expert 94.65 ± 0.21 (deterministic), 94.40 ± 0.95 (stochastic), 50 episodes, seed 0; random −32.2. */
    @Test
    void shippedMountainCarExpertReachesTheFlag() {
        try (Env env = Tasks.make("mountaincar")) {
            BehaviourPolicies.Loaded expert = BehaviourPolicies.get("mountaincar", "expert");
            double e = Rollouts.evaluate(env, expert.deterministic(), 5, 0).mean();
            assertTrue(e > 90, "mountaincar expert return " + e);
            assertEquals(expert.recordedReturn(), e, 2);
            assertTrue(Rollouts.evaluate(env, expert.stochastic(), 5, 0).mean() > 85);
        }
    }

    /**
     * Measured over 5 episodes, seed 0: medium −45.2 ± 24.2, expert 110.6 ± 45.9 (50 episodes: −35.9 ± 45.7 and
     * 153.9 ± 78.0); random −219.3.
     */
    @Test
    void shippedLunarLanderPoliciesBeatRandom() {
        try (Env env = Tasks.make("lunarlander")) {
            assertTrue(Rollouts.evaluate(env, BehaviourPolicies.loadDeterministic("lunarlander", "medium"), 5, 0).mean() > -120);
            assertTrue(Rollouts.evaluate(env, BehaviourPolicies.loadDeterministic("lunarlander", "expert"), 5, 0).mean() > 40);
        }
    }

    /*
     * bipedalwalker's policies are DAgger students of Gymnasium's heuristic gait (docs/behaviour-policies.md). Measured
     * 2026-11-29 over 10 episodes, seed 0: expert 174.42 ± 154.41 deterministic, 29.44 ± 56.06 stochastic; medium
     * 35.39 ± 83.62; the heuristic itself 124.8 on the same seeds; random −106.3 (50 episodes: expert 150.43, medium
     * 45.58, heuristic 72.80). The return is bimodal (≈ +300 at the end of the course, a fall ≈ −100 + distance).
     */
    @Test
    void shippedBipedalWalkerPoliciesWalk() {
        try (Env env = Tasks.make("bipedalwalker")) {
            BehaviourPolicies.Loaded expert = BehaviourPolicies.get("bipedalwalker", "expert");
            double e = Rollouts.evaluate(env, expert.deterministic(), 10, 0).mean();
            assertEquals(expert.recordedReturn(), e, 100, "expert vs its recorded 50-episode return");
            assertTrue(e > 140, "expert return " + e + " should beat the heuristic it copies (124.8 on these seeds)");
            assertTrue(Rollouts.evaluate(env, expert.stochastic(), 10, 0).mean() > -60, "the stochastic expert keeps walking at times");
            double m = Rollouts.evaluate(env, BehaviourPolicies.loadDeterministic("bipedalwalker", "medium"), 10, 0).mean();
            assertTrue(m > -60 && m < e - 50, "medium return " + m + " should lie between random (−106) and expert " + e);
        }
        Dataset replay = BehaviourPolicies.replayBuffer("bipedalwalker");
        assertTrue(replay.size() > 15_000 && replay.size() <= 20_000, "medium-replay size " + replay.size());
        assertEquals(24, replay.obsDim());
        for (float a : replay.actions()) assertTrue(a >= -1f && a <= 1f);
    }

    @Test
    void stochasticPolicyDrawsFromTheGivenRngAndStaysInTheBox() {
        Policy p = BehaviourPolicies.load("pendulum", "medium");
        float[] obs = {0.5f, -0.8f, 1.2f};
        float[] a1 = p.act(obs, new Rng(1)), a1again = p.act(obs, new Rng(1)), a2 = p.act(obs, new Rng(2));
        assertArrayEquals(a1, a1again, 0f);
        assertNotEquals(a1[0], a2[0]);
        Rng rng = new Rng(3);
        for (int i = 0; i < 200; i++) {
            float a = p.act(new float[] {(float) Math.cos(i), (float) Math.sin(i), i % 16 - 8}, rng)[0];
            assertTrue(a >= -2f && a <= 2f, "pendulum action " + a + " outside [-2, 2]");
        }
        Policy d = BehaviourPolicies.loadDeterministic("pendulum", "medium");
        assertArrayEquals(d.act(obs, new Rng(1)), d.act(obs, new Rng(2)), 0f);
    }

    @Test
    void everyTaskShipsBothKindsAndAMissingOrUnknownOneIsNamed() {
        for (String task : Tasks.names())
            for (String kind : BehaviourPolicies.KINDS) assertTrue(BehaviourPolicies.exists(task, kind), task + "-" + kind + " is not shipped");
        String m = BehaviourPolicies.missingMessage("newtask", "expert");
        assertTrue(m.contains("task 'newtask'") && m.contains("expert") && m.contains("pendulum-expert") && m.contains("forler sac"), m);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BehaviourPolicies.load("pendulum", "best"));
        assertTrue(e.getMessage().contains("best") && e.getMessage().contains("medium, expert"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BehaviourPolicies.load("nosuchtask", "expert"));
        assertTrue(e.getMessage().contains("nosuchtask"), e.getMessage());
    }

    /**
     * The dataset cache key of shipped data names the files the data come from: medium-replay its buffer (not the
     * medium policy, whose id it once shared, so a new buffer beside an old policy was served from a stale cache).
     */
    @Test
    void shippedDataIdsNameTheFilesTheyComeFrom() {
        PolicyProvider p = BehaviourPolicies.provider();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String task : java.util.List.of("pendulum", "hopper"))
            for (DatasetBuilder.Kind k : java.util.List.of(DatasetBuilder.Kind.MEDIUM, DatasetBuilder.Kind.EXPERT,
                    DatasetBuilder.Kind.MEDIUM_REPLAY, DatasetBuilder.Kind.MEDIUM_EXPERT)) {
                String id = p.policyId(task, k, null);
                assertEquals(id, p.policyId(task, k, null), "ids are stable");
                assertTrue(id.matches("shipped[0-9a-f]+"), id);
                assertTrue(ids.add(id), task + " " + k + " shares its id " + id + " with another kind or task");
            }
    }

    @Test
    void pendulumMediumReplayIsTheTrainingBufferUpToTheMediumPolicy() {
        Dataset d = BehaviourPolicies.replayBuffer("pendulum");
        int step = Integer.parseInt(BehaviourPolicies.get("pendulum", "medium").meta().get("step"));
        assertEquals(step, d.size(), "one transition per training step before the medium snapshot");
        assertEquals(step / 200, d.episodeReturns().length, "whole 200-step pendulum episodes");
        for (float a : d.actions()) assertTrue(a >= -2f && a <= 2f);
        double[] r = d.episodeReturns();
        assertTrue(r[r.length - 1] > r[0], "the buffer's last episodes (learned policy) beat its first (random warm-up)");
    }
}

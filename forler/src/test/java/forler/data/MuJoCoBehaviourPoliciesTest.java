package forler.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import forler.env.mujoco.MuJoCo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped MuJoCo behaviour policies (docs/behaviour-policies.md) reach their recorded returns on the real
 * simulator. Measured 2026-12-06, 50 episodes, seed 0, deterministic (SAC, hidden 256): hopper medium 984.8 ± 25.6
 * (normalised 30.9), expert 3006.8 ± 493.5 (93.0), halfcheetah medium 3532.7 ± 116.5 (30.7), expert 11313.7 ± 76.8
 * (93.4), walker2d medium 1355.8 ± 596.6 (29.5), expert 4254.2 ± 351.0 (92.6); ant (2026-11-29, 20 episodes, hidden 64) medium
 * 933.5 ± 411.8, expert 1316.8 ± 417.0. Here 3 episodes each,
 * thresholds with a wide margin. Skipped without libmujoco (`.ci/run` installs it).
 */
class MuJoCoBehaviourPoliciesTest {
    @BeforeAll
    static void needsMuJoCo() { Assumptions.assumeTrue(MuJoCo.available(), MuJoCo.unavailableReason()); }

    private static double ret(String task, String kind) {
        try (Env env = Tasks.make(task)) {
            return Rollouts.evaluate(env, BehaviourPolicies.loadDeterministic(task, kind), 3, 0).mean();
        }
    }

    /**
     * A fresh 3-episode mean (the first 3 of the recorded episodes: same seeds) within 2.5 standard errors of the
     * recorded mean, σ being the recorded episodes' spread: a policy file that is not the one measured fails this.
     */
    private static void nearRecorded(String task, String kind, double fresh) {
        BehaviourPolicies.Loaded p = BehaviourPolicies.get(task, kind);
        double sigma = Double.parseDouble(p.meta().get("return_std")), tol = 2.5 * sigma / Math.sqrt(3) + 1;
        assertEquals(p.recordedReturn(), fresh, tol, task + " " + kind + " vs its recorded " + p.meta().get("return_episodes") + "-episode return");
    }

    /** Medium at 20–45 normalised, expert ≥ 90 (D4RL's levels), each near its recorded 50-episode return. */
    private static void mediumAndExpertAtD4rlLevels(String task) {
        double m = ret(task, "medium"), e = ret(task, "expert");
        Tasks.Info info = Tasks.info(task);
        double mn = info.normalizedScore(m), en = info.normalizedScore(e);
        assertTrue(mn > 20 && mn < 45, task + " medium normalised " + mn + " (return " + m + ")");
        assertTrue(en >= 90, task + " expert normalised " + en + " (return " + e + ")");
        nearRecorded(task, "medium", m);
        nearRecorded(task, "expert", e);
    }

    @Test
    void hopperMediumAndExpertAtD4rlLevels() { mediumAndExpertAtD4rlLevels("hopper"); }    // 3 episodes measured: 31.1, 100.5

    @Test
    void halfcheetahMediumAndExpertAtD4rlLevels() { mediumAndExpertAtD4rlLevels("halfcheetah"); }

    @Test
    void walker2dMediumAndExpertAtD4rlLevels() { mediumAndExpertAtD4rlLevels("walker2d"); }

    @Test
    void antMediumAndExpert() {
        double m = ret("ant", "medium"), e = ret("ant", "expert");
        // measured here: medium 277.4, expert 1482.1 over these 3 episodes (both policies fall or stall in some)
        assertTrue(m > 0 && m < e, "ant medium return " + m + " should be above random (-325.6) and below expert " + e);
        assertTrue(e > 800, "ant expert return " + e);
        assertEquals(BehaviourPolicies.get("ant", "expert").recordedReturn(), e, 600, "expert vs its recorded 20-episode return");
    }

    @Test
    void mediumReplayBuffersLoadInTaskUnits() {
        for (String task : new String[] {"hopper", "walker2d", "halfcheetah", "ant"}) { // ant's file is gzip-compressed
            Dataset d = BehaviourPolicies.replayBuffer(task);
            assertTrue(d.size() > 15_000 && d.size() <= 20_000, task + " medium-replay size " + d.size());
            assertEquals(Tasks.info(task).obsDim(), d.obsDim(), task);
        }
    }
}

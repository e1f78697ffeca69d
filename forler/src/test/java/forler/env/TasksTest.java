package forler.env;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class TasksTest {
    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.make("cartpole"));
        for (String known : List.of("pendulum", "mountaincar", "lunarlander", "bipedalwalker", "hopper", "walker2d",
                "halfcheetah", "ant")) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
        assertTrue(e.getMessage().contains("cartpole"));
    }

    @Test
    void normalisedScoreIsZeroAtRandomAndHundredAtExpert() {
        for (Tasks.Info t : Tasks.all()) {
            assertTrue(Double.isFinite(t.randomReturn()) && t.randomReturn() < t.expertReturn(), t.name());
            assertEquals(0.0, Tasks.normalizedScore(t.name(), t.randomReturn()), 1e-9);
            assertEquals(100.0, Tasks.normalizedScore(t.name(), t.expertReturn()), 1e-9);
            double mid = (t.randomReturn() + t.expertReturn()) / 2;
            assertEquals(50.0, t.normalizedScore(mid), 1e-9);
        }
        // D4RL's published references (docs/design.md §Tasks and data)
        assertEquals(-20.27, Tasks.info("hopper").randomReturn(), 0.01);
        assertEquals(3234.3, Tasks.info("hopper").expertReturn(), 1e-9);
        assertEquals(12135.0, Tasks.info("halfcheetah").expertReturn(), 1e-9);
        assertEquals(111, Tasks.info("ant").obsDim());
    }

    @Test
    void pureJavaTasksAreAlwaysAvailableAndMujocoOnesSayWhyNot() {
        for (Tasks.Info t : Tasks.all()) {
            if (t.projectOwn()) {
                assertTrue(t.available(), t.name());
                continue;
            }
            String reason = t.unavailableReason();
            if (reason == null) {
                Env env = Tasks.make(t.name());
                assertEquals(t.obsDim(), env.obsDim());
                assertEquals(t.actDim(), env.actDim());
                env.close();
            } else {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tasks.make(t.name()));
                assertTrue(e.getMessage().contains(t.name()) && e.getMessage().contains(reason), e.getMessage());
            }
        }
    }

    /** The registry's random references are what the documented measurement gives (cheap tasks only). */
    @Test
    void randomReferenceReturnsReproduce() {
        for (String task : List.of("pendulum", "mountaincar")) {
            Env env = Tasks.make(task);
            Rollouts.Stats s = Rollouts.evaluate(env, Rollouts.uniformRandom(env), 100, 0);
            assertEquals(Tasks.info(task).randomReturn(), s.mean(), 5e-4, task);
        }
    }
}

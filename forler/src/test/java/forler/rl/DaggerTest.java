package forler.rl;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.Dataset;
import forler.data.PointMassEnv;
import forler.env.Env;
import forler.env.Tasks;
import org.junit.jupiter.api.Test;

class DaggerTest {
    /** A PD controller of the point mass, with a reset counter; a = clip(−x − 1.5·v, ±1). */
    static final class PdExpert implements Dagger.Expert {
        int resets;

        @Override public void reset() { resets++; }

        @Override
        public float[] act(float[] obs) {
            return new float[] {(float) Math.max(-1, Math.min(1, -obs[0] - 1.5 * obs[1]))};
        }
    }

    private static Dagger.Config small(int iterations, int gradSteps) {
        return new Dagger.Config(32, 2, iterations, 4, gradSteps, 64, 3e-3f, 0.5f, 0.1f);
    }

    @Test
    void firstIterationExecutesTheExpertAndRecordsEveryTransition() {
        PdExpert expert = new PdExpert();
        Dagger d = new Dagger(new PointMassEnv(), expert, small(1, 1), 7);
        Dagger.Iteration it = d.iterate();
        assertEquals(0, it.index());
        assertEquals(1.0, it.beta());
        assertEquals(4, expert.resets, "the expert is reset once per episode");
        Dataset r = d.replay();
        assertEquals(it.aggregate(), r.size(), "one labelled state per executed step");
        assertEquals(4 + 1, r.episodeStarts().length, "four episodes (starts plus the end)");
        for (int i = 0; i < r.size(); i++) {
            float[] o = {r.observations()[2 * i], r.observations()[2 * i + 1]};
            assertEquals(expert.act(o)[0], r.actions()[i], 0f, "β = 1: transition " + i + " executes the expert's label");
            if (!r.endsEpisode(i)) {  // the next row starts where this one ended (observations copied, not aliased)
                assertEquals(r.nextObservations()[2 * i], r.observations()[2 * (i + 1)], 0f);
                assertEquals(r.nextObservations()[2 * i + 1], r.observations()[2 * (i + 1) + 1], 0f);
            }
        }
    }

    /*
     * Measured (seed 3): mean |student − expert| over the 21×21 grid x, v ∈ [−1, 1] is 0.060 after 4 iterations;
     * the untrained student's is 0.679. Threshold well above the measured error, well below the untrained one.
     */
    @Test
    void studentLearnsTheExpertsActions() {
        PdExpert expert = new PdExpert();
        Dagger d = new Dagger(new PointMassEnv(), expert, small(4, 300), 3);
        double before = gridError(d, expert);
        for (int i = 0; i < 4; i++) assertEquals(Math.pow(0.5, i), d.iterate().beta(), 0.0, "β_i = 0.5^i");
        double after = gridError(d, expert);
        System.out.println("DaggerTest grid error " + before + " -> " + after);
        assertTrue(after < 0.1 && after < before / 4, "mean |student − expert| " + before + " → " + after);
    }

    private static double gridError(Dagger d, PdExpert expert) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i <= 20; i++) {
            for (int j = 0; j <= 20; j++) {
                float[] o = {-1 + i * 0.1f, -1 + j * 0.1f};
                sum += Math.abs(d.deterministicPolicy().act(o, null)[0] - expert.act(o)[0]);
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void theSpreadIsTheConstantSigmaAndIsNeverTrained() {
        Dagger d = new Dagger(new PointMassEnv(), new PdExpert(), small(2, 50), 1);
        float[] muBefore = d.student.mu.weight.data.clone();
        d.iterate();
        d.iterate();
        assertFalse(java.util.Arrays.equals(muBefore, d.student.mu.weight.data), "the mean head is trained");
        for (float w : d.student.logStd.weight.data) assertEquals(0f, w);
        for (float b : d.student.logStd.bias.data) assertEquals((float) Math.log(0.1), b);
    }

    @Test
    void sameSeedSameStudent() {
        Dagger a = new Dagger(new PointMassEnv(), new PdExpert(), small(2, 20), 5);
        Dagger b = new Dagger(new PointMassEnv(), new PdExpert(), small(2, 20), 5);
        for (int i = 0; i < 2; i++) assertEquals(a.iterate(), b.iterate());
        float[] o = {0.3f, -0.2f};
        assertArrayEquals(a.deterministicPolicy().act(o, null), b.deterministicPolicy().act(o, null), 0f);
    }

    @Test
    void refusesATaskWhoseActionsAreNotTheUnitBox() {
        try (Env env = Tasks.make("pendulum")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Dagger(env, new PdExpert(), small(1, 1), 0));
            assertTrue(e.getMessage().contains("pendulum") && e.getMessage().contains("[-1, 1]"), e.getMessage());
        }
    }
}

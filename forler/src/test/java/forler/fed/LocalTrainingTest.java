package forler.fed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalTrainingTest {
    /** A job that records its calls and fails if two threads ever run it at once or its steps come out of order. */
    static final class Recorder implements LocalTraining.Job {
        final int id;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean running = new AtomicBoolean();
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        float state;                    // a running value whose bits depend on the order of the steps

        Recorder(int id) { this.id = id; state = id + 0.1f; }

        @Override public void begin() { enter(); calls.add("begin"); leave(); }

        @Override public Map<String, Double> step(int tau) {
            enter();
            calls.add("step " + tau);
            threads.add(Thread.currentThread().getName());
            state = state * 1.0001f + (float) Math.sin(tau + id);
            try { Thread.sleep(1); } catch (InterruptedException e) { throw new RuntimeException(e); }
            leave();
            return Map.of("state", (double) state, "tau", (double) tau);
        }

        @Override public Map<String, Double> end(Map<String, Double> mean) {
            enter();
            calls.add("end");
            mean.put("last", (double) state);
            leave();
            return mean;
        }

        private void enter() { if (!running.compareAndSet(false, true)) throw new IllegalStateException("job " + id + " run by two threads at once"); }

        private void leave() { running.set(false); }
    }

    static List<Map<String, Double>> run(List<Recorder> jobs, int steps, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            return LocalTraining.run(jobs, steps, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    static List<Recorder> jobs(int k) {
        List<Recorder> l = new ArrayList<>();
        for (int i = 0; i < k; i++) l.add(new Recorder(i));
        return l;
    }

    @Test
    void everyJobRunsBeginItsStepsInOrderThenEndAndTheReportsAreTheSameBitsOnAnyNumberOfThreads() throws Exception {
        int steps = 47; // chunks of 10 and a tail of 7
        List<Map<String, Double>> reference = null;
        for (int threads : new int[] {1, 2, 3, 5}) {
            List<Recorder> jobs = jobs(3);
            List<Map<String, Double>> reports = run(jobs, steps, threads);
            for (Recorder j : jobs) {
                List<String> expected = new ArrayList<>();
                expected.add("begin");
                for (int t = 0; t < steps; t++) expected.add("step " + t);
                expected.add("end");
                assertEquals(expected, j.calls, "job " + j.id + " on " + threads + " threads");
            }
            // the mean of each logged value, summed in step order: Σ_τ τ/47 exactly as one thread sums it
            double tauMean = 0;
            for (int t = 0; t < steps; t++) tauMean += (double) t / steps;
            assertEquals(tauMean, reports.get(2).get("tau"));
            assertEquals((double) jobs.get(1).state, reports.get(1).get("last"));
            if (reference == null) reference = reports;
            else assertEquals(reference, reports, threads + " threads");
        }
    }

    @Test
    void withTwoThreadsThreeJobsShareTheCoresAndMoveBetweenThreads() throws Exception {
        List<Recorder> jobs = jobs(3);
        run(jobs, 40, 2);
        int moved = 0;
        for (Recorder j : jobs) moved += (int) j.threads.stream().distinct().count() - 1;
        assertTrue(moved >= 1, "with 3 jobs on 2 threads at least one job must change thread (chunks of " + LocalTraining.CHUNK + ")");
    }

    @Test
    void noStepsStillBeginsAndEnds() throws Exception {
        List<Recorder> jobs = jobs(2);
        List<Map<String, Double>> reports = run(jobs, 0, 2);
        for (Recorder j : jobs) assertEquals(List.of("begin", "end"), j.calls);
        assertEquals(2, reports.size());
        assertFalse(reports.get(0).containsKey("tau"));
    }

    @Test
    void aFailingStepStopsEveryWorkerAndIsThrown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RuntimeException boom = new RuntimeException("boom");
        List<LocalTraining.Job> jobs = new ArrayList<>(jobs(2));
        jobs.add(tau -> {
            calls.incrementAndGet();
            if (tau == 13) throw boom;
            return Map.of();
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ExecutionException e = assertThrows(ExecutionException.class, () -> LocalTraining.run(jobs, 100, pool));
            assertSame(boom, e.getCause());
            assertEquals(14, calls.get(), "the failing job must not be retried");
        } finally {
            pool.shutdownNow();
        }
    }
}

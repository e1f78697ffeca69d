package forler.fed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A round's local training on fewer threads than devices, both cores busy to the end.
 *
 * <p>Each device's share of a round is a {@link Job}: {@code begin} (receive the broadcast), Γ steps, {@code end}.
 * The workers take the steps in chunks of {@link #CHUNK}: a free worker always takes the device with the fewest steps
 * done that no other worker holds. With K = 3 devices on 2 workers each core trains one device at a time, and the
 * round ends after about 1.5·Γ steps' time, where three threads time-sliced on two cores (one per device, the old
 * default) took longer: every slice of a few milliseconds evicts the other device's activations from the core's
 * caches (docs/throughput.md, fifth window). A device's steps run in order, one at a time, on whichever worker holds
 * it, and its logged values are averaged in step order, so the numbers are the same bits for any number of workers.
 */
final class LocalTraining {
    /**
     * Steps a worker takes from one device before it looks again for the device that is furthest behind
     * ({@code -Dforler.deviceChunk}, default 10; docs/throughput.md fifth window compares 5, 10 and 50).
     */
    static final int CHUNK = Math.max(1, Integer.getInteger("forler.deviceChunk", 10));

    /** One device's share of a round. */
    interface Job {
        /** Before step 0, on the worker that takes the first chunk (e.g. Algorithm 2 lines 5–6: receive). */
        default void begin() {}

        /** Local step τ (0 … steps−1); returns the values to log. */
        Map<String, Double> step(int tau);

        /** After the last step; gets the mean of every logged value and returns what the device reports. */
        default Map<String, Double> end(Map<String, Double> mean) { return mean; }
    }

    private LocalTraining() {}

    /**
     * Runs {@code steps} steps of every job on the threads of {@code pool} (its thread count is the number of workers:
     * one task per job is submitted, and a task that finds nothing left to take returns at once); returns each job's
     * report, in job order. The first failure is thrown once every worker has stopped.
     */
    static List<Map<String, Double>> run(List<? extends Job> jobs, int steps, ExecutorService pool)
            throws InterruptedException, ExecutionException {
        State st = new State(jobs, steps);
        List<Future<?>> tasks = new ArrayList<>();
        for (int w = 0; w < jobs.size(); w++) tasks.add(pool.submit(() -> { st.work(); return null; }));
        ExecutionException failure = null;
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e;
            }
        }
        if (failure != null) throw failure;
        return st.reports;
    }

    /** The round's progress, shared by the workers (guarded by {@code this}; a job's mean only by its holder). */
    private static final class State {
        final List<? extends Job> jobs;
        final int steps;
        final int[] done;                 // steps taken per job
        final boolean[] held;             // a worker is running a chunk of the job
        final List<Map<String, Double>> means = new ArrayList<>(), reports = new ArrayList<>(); // report: null until the job ends
        boolean failed;

        State(List<? extends Job> jobs, int steps) {
            this.jobs = jobs;
            this.steps = steps;
            done = new int[jobs.size()];
            held = new boolean[jobs.size()];
            for (int k = 0; k < jobs.size(); k++) {
                means.add(new LinkedHashMap<>());
                reports.add(null);
            }
        }

        void work() throws InterruptedException {
            for (int k = take(); k >= 0; k = take()) {
                Map<String, Double> report = null;
                int from = done[k], to = Math.min(steps, from + CHUNK);
                boolean ok = false;
                try {
                    Job job = jobs.get(k);
                    Map<String, Double> mean = means.get(k);
                    if (from == 0) job.begin();
                    for (int tau = from; tau < to; tau++) job.step(tau).forEach((key, v) -> mean.merge(key, v / steps, Double::sum));
                    if (to == steps) report = java.util.Objects.requireNonNull(job.end(mean), "Job.end returned null");
                    ok = true;
                } finally {
                    release(k, to, report, ok);
                }
            }
        }

        /** The free, unfinished job with the fewest steps done (lowest index on ties); −1 when all are done or a worker failed. */
        private synchronized int take() throws InterruptedException {
            while (true) {
                if (failed) return -1;
                int best = -1;
                boolean unfinished = false;
                for (int k = 0; k < jobs.size(); k++) {
                    if (reports.get(k) != null) continue;
                    unfinished = true;
                    if (!held[k] && (best < 0 || done[k] < done[best])) best = k;
                }
                if (best >= 0) {
                    held[best] = true;
                    return best;
                }
                if (!unfinished) return -1;
                wait();
            }
        }

        private synchronized void release(int k, int to, Map<String, Double> report, boolean ok) {
            done[k] = to;
            held[k] = false;
            if (report != null) reports.set(k, report);
            failed |= !ok;
            notifyAll();
        }
    }
}

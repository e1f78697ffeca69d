package forler.data;

import forler.engine.Rng;

import java.util.Arrays;
import java.util.List;

/**
 * An offline dataset of transitions in memory, in D4RL's layout: row-major float32 arrays, one row per transition.
 * Immutable after construction (the arrays are owned by the dataset; callers must not write into them).
 *
 * <p>Episode boundaries are rows where {@code terminals[i] || timeouts[i]}; the last row always ends an episode.
 * Sampling is uniform with replacement (as CORL's {@code ReplayBuffer.sample}) into a reusable {@link Batch}.
 */
public final class Dataset {
    /** Floor of the per-dimension standard deviation in {@link #obsStats()} (TD3+BC's eps 1e-3, used as a floor). */
    public static final float STD_FLOOR = 1e-3f;

    private final int n, obsDim, actDim;
    private final float[] observations;     // [N, obs]
    private final float[] actions;          // [N, act]
    private final float[] rewards;          // [N]
    private final float[] nextObservations; // [N, obs]
    private final boolean[] terminals;      // [N]
    private final boolean[] timeouts;       // [N]

    /**
     * Wraps the arrays (no copy). Checks every length against {@code n = rewards.length}.
     *
     * @throws IllegalArgumentException naming the array whose length disagrees
     */
    public Dataset(int obsDim, int actDim, float[] observations, float[] actions, float[] rewards,
                   float[] nextObservations, boolean[] terminals, boolean[] timeouts) {
        if (obsDim <= 0 || actDim <= 0)
            throw new IllegalArgumentException("Dataset: obsDim and actDim must be positive, got " + obsDim + ", " + actDim);
        this.n = rewards.length;
        this.obsDim = obsDim;
        this.actDim = actDim;
        check("observations", observations.length, (long) n * obsDim);
        check("actions", actions.length, (long) n * actDim);
        check("next_observations", nextObservations.length, (long) n * obsDim);
        check("terminals", terminals.length, n);
        check("timeouts", timeouts.length, n);
        this.observations = observations;
        this.actions = actions;
        this.rewards = rewards;
        this.nextObservations = nextObservations;
        this.terminals = terminals;
        this.timeouts = timeouts;
    }

    private void check(String name, int got, long want) {
        if (got != want)
            throw new IllegalArgumentException("Dataset: " + name + " has " + got + " values, expected " + want
                    + " (N=" + n + ", obsDim=" + obsDim + ", actDim=" + actDim + ")");
    }

    /** An empty dataset with the given dimensions. */
    public static Dataset empty(int obsDim, int actDim) {
        return new Dataset(obsDim, actDim, new float[0], new float[0], new float[0], new float[0], new boolean[0], new boolean[0]);
    }

    public int size() { return n; }

    public int obsDim() { return obsDim; }

    public int actDim() { return actDim; }

    /** [N, obs] row-major; do not modify. */
    public float[] observations() { return observations; }

    /** [N, act] row-major; do not modify. */
    public float[] actions() { return actions; }

    /** [N]; do not modify. */
    public float[] rewards() { return rewards; }

    /** [N, obs] row-major; do not modify. */
    public float[] nextObservations() { return nextObservations; }

    /** [N]; true where the episode ended in a terminal state (the target does not bootstrap). */
    public boolean[] terminals() { return terminals; }

    /** [N]; true where the episode was cut by the time limit (or by the end of collection). */
    public boolean[] timeouts() { return timeouts; }

    /** True if row {@code i} is the last of its episode. */
    public boolean endsEpisode(int i) {
        return terminals[i] || timeouts[i] || i == n - 1;
    }

    /**
     * Start rows of the episodes plus {@code N} at the end: episode e is rows {@code [starts[e], starts[e+1])}.
     */
    public int[] episodeStarts() {
        int count = 0;
        for (int i = 0; i < n; i++) if (endsEpisode(i)) count++;
        int[] starts = new int[count + 1]; // [E + 1]
        int e = 1;
        for (int i = 0; i < n; i++) if (endsEpisode(i)) starts[e++] = i + 1;
        return starts;
    }

    /** Sum of rewards of each episode, in order (a dataset's quality at a glance). */
    public double[] episodeReturns() {
        int[] starts = episodeStarts();
        double[] returns = new double[starts.length - 1]; // [E]
        for (int e = 0; e < returns.length; e++)
            for (int i = starts[e]; i < starts[e + 1]; i++) returns[e] += rewards[i];
        return returns;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Sampling

    /** Reusable minibatch buffers; one per training loop, refilled by {@link #sample} with no allocation. */
    public static final class Batch {
        public final int size;
        public final float[] obs;     // [B, obs]
        public final float[] act;     // [B, act]
        public final float[] rew;     // [B]
        public final float[] nextObs; // [B, obs]
        public final float[] done;    // [B] 1 where terminal (timeouts still bootstrap), else 0
        public final int[] idx;       // [B] dataset rows, for per-transition caches (e.g. FORLER's rectified actions)
        final int obsDim, actDim;

        public Batch(int size, int obsDim, int actDim) {
            if (size <= 0) throw new IllegalArgumentException("Batch size must be positive, got " + size);
            this.size = size;
            this.obsDim = obsDim;
            this.actDim = actDim;
            obs = new float[size * obsDim];
            act = new float[size * actDim];
            rew = new float[size];
            nextObs = new float[size * obsDim];
            done = new float[size];
            idx = new int[size];
        }
    }

    /** New batch buffers of {@code size} rows for this dataset's dimensions. */
    public Batch newBatch(int size) { return new Batch(size, obsDim, actDim); }

    /** Fills {@code out} with {@code out.size} rows drawn uniformly with replacement; returns {@code out}. */
    public Batch sample(Rng rng, Batch out) {
        if (n == 0) throw new IllegalStateException("Dataset.sample: the dataset is empty");
        for (int b = 0; b < out.size; b++) out.idx[b] = rng.nextInt(n);
        return gather(out);
    }

    /** Fills {@code out} with the rows already in {@code out.idx} (e.g. a fixed evaluation set); returns {@code out}. */
    public Batch gather(Batch out) {
        if (out.obsDim != obsDim || out.actDim != actDim)
            throw new IllegalArgumentException("Dataset.gather: batch is for obs " + out.obsDim + ", act " + out.actDim
                    + " but the dataset has obs " + obsDim + ", act " + actDim);
        for (int b = 0; b < out.size; b++) {
            int i = out.idx[b];
            if (i < 0 || i >= n) throw new IndexOutOfBoundsException("Dataset.gather: row " + i + " not in [0, " + n + ")");
            System.arraycopy(observations, i * obsDim, out.obs, b * obsDim, obsDim);
            System.arraycopy(actions, i * actDim, out.act, b * actDim, actDim);
            System.arraycopy(nextObservations, i * obsDim, out.nextObs, b * obsDim, obsDim);
            out.rew[b] = rewards[i];
            out.done[b] = terminals[i] ? 1f : 0f;
        }
        return out;
    }

    // ----------------------------------------------------------------------------------------------------------
    // State normalisation (TD3+BC)

    /** Per-dimension mean and standard deviation of the observations. */
    public record ObsStats(float[] mean, float[] std) {
        /** Normalises {@code rows} observations of {@code mean.length} values each, in place: (x - mean) / std. */
        public void normalize(float[] obs, int rows) {
            int d = mean.length;
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < d; j++) obs[r * d + j] = (obs[r * d + j] - mean[j]) / std[j];
        }
    }

    /**
     * Mean and population standard deviation (numpy's default, ddof 0) of each observation dimension over the
     * {@code observations} array, accumulated in double; std is floored at {@link #STD_FLOOR}.
     */
    public ObsStats obsStats() {
        if (n == 0) throw new IllegalStateException("Dataset.obsStats: the dataset is empty");
        double[] sum = new double[obsDim], sumSq = new double[obsDim];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < obsDim; j++) sum[j] += observations[i * obsDim + j];
        float[] mean = new float[obsDim], std = new float[obsDim];
        for (int j = 0; j < obsDim; j++) sum[j] /= n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < obsDim; j++) {
                double d = observations[i * obsDim + j] - sum[j];
                sumSq[j] += d * d;
            }
        for (int j = 0; j < obsDim; j++) {
            mean[j] = (float) sum[j];
            std[j] = Math.max((float) Math.sqrt(sumSq[j] / n), STD_FLOOR);
        }
        return new ObsStats(mean, std);
    }

    /** A copy with observations and next observations normalised by {@code stats}. */
    public Dataset normalized(ObsStats stats) {
        if (stats.mean().length != obsDim)
            throw new IllegalArgumentException("Dataset.normalized: stats are for obs " + stats.mean().length + ", dataset has " + obsDim);
        float[] o = observations.clone(), no = nextObservations.clone();
        stats.normalize(o, n);
        stats.normalize(no, n);
        return new Dataset(obsDim, actDim, o, actions, rewards, no, terminals, timeouts);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Building new datasets from old ones (all copy)

    /** Rows {@code [from, to)}; the last row of a slice that cuts an episode keeps its flags (callers may mark it). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > n || from > to)
            throw new IndexOutOfBoundsException("Dataset.slice(" + from + ", " + to + ") outside [0, " + n + "]");
        return new Dataset(obsDim, actDim,
                Arrays.copyOfRange(observations, from * obsDim, to * obsDim),
                Arrays.copyOfRange(actions, from * actDim, to * actDim),
                Arrays.copyOfRange(rewards, from, to),
                Arrays.copyOfRange(nextObservations, from * obsDim, to * obsDim),
                Arrays.copyOfRange(terminals, from, to),
                Arrays.copyOfRange(timeouts, from, to));
    }

    /** The rows {@code idx}, in that order (repeats allowed). */
    public Dataset subset(int[] idx) {
        int m = idx.length;
        float[] o = new float[m * obsDim], a = new float[m * actDim], r = new float[m], no = new float[m * obsDim];
        boolean[] t = new boolean[m], to = new boolean[m];
        for (int k = 0; k < m; k++) {
            int i = idx[k];
            if (i < 0 || i >= n) throw new IndexOutOfBoundsException("Dataset.subset: row " + i + " not in [0, " + n + ")");
            System.arraycopy(observations, i * obsDim, o, k * obsDim, obsDim);
            System.arraycopy(actions, i * actDim, a, k * actDim, actDim);
            System.arraycopy(nextObservations, i * obsDim, no, k * obsDim, obsDim);
            r[k] = rewards[i];
            t[k] = terminals[i];
            to[k] = timeouts[i];
        }
        return new Dataset(obsDim, actDim, o, a, r, no, t, to);
    }

    /**
     * A copy whose last row ends an episode: if it is neither terminal nor timeout, it is marked as a timeout
     * (the episode was cut, as D4RL marks its last transitions). Used after slicing episodes apart.
     */
    public Dataset withClosedLastEpisode() {
        if (n == 0 || terminals[n - 1] || timeouts[n - 1]) return this;
        boolean[] to = timeouts.clone();
        to[n - 1] = true;
        return new Dataset(obsDim, actDim, observations, actions, rewards, nextObservations, terminals, to);
    }

    /** Rows of all {@code parts}, in order; each part's last episode is closed so episodes never merge. */
    public static Dataset concat(Dataset... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("Dataset.concat: no datasets given");
        int obs = parts[0].obsDim, act = parts[0].actDim;
        long total = 0;
        for (Dataset p : parts) {
            if (p.obsDim != obs || p.actDim != act)
                throw new IllegalArgumentException("Dataset.concat: dimensions differ: obs " + obs + ", act " + act
                        + " vs obs " + p.obsDim + ", act " + p.actDim);
            total += p.n;
        }
        if (total > Integer.MAX_VALUE / Math.max(obs, act))
            throw new IllegalArgumentException("Dataset.concat: " + total + " rows do not fit in one float[]");
        int m = (int) total;
        float[] o = new float[m * obs], a = new float[m * act], r = new float[m], no = new float[m * obs];
        boolean[] t = new boolean[m], to = new boolean[m];
        int at = 0;
        for (Dataset p0 : parts) {
            Dataset p = p0.withClosedLastEpisode();
            System.arraycopy(p.observations, 0, o, at * obs, p.n * obs);
            System.arraycopy(p.actions, 0, a, at * act, p.n * act);
            System.arraycopy(p.rewards, 0, r, at, p.n);
            System.arraycopy(p.nextObservations, 0, no, at * obs, p.n * obs);
            System.arraycopy(p.terminals, 0, t, at, p.n);
            System.arraycopy(p.timeouts, 0, to, at, p.n);
            at += p.n;
        }
        return new Dataset(obs, act, o, a, r, no, t, to);
    }

    /** {@link #concat(Dataset...)} of a list. */
    public static Dataset concat(List<Dataset> parts) { return concat(parts.toArray(new Dataset[0])); }

    /** Appends transitions one at a time (collection, loaders); grows its arrays by doubling. */
    public static final class Builder {
        private final int obsDim, actDim;
        private int n;
        private float[] o, a, r, no;
        private boolean[] t, to;

        public Builder(int obsDim, int actDim, int capacityHint) {
            this.obsDim = obsDim;
            this.actDim = actDim;
            int c = Math.max(16, capacityHint);
            o = new float[c * obsDim];
            a = new float[c * actDim];
            r = new float[c];
            no = new float[c * obsDim];
            t = new boolean[c];
            to = new boolean[c];
        }

        public int size() { return n; }

        /** Copies row {@code i}'s observation into {@code dst} at {@code offset} (sampling while collecting). */
        public void copyObservation(int i, float[] dst, int offset) {
            if (i < 0 || i >= n) throw new IndexOutOfBoundsException("Dataset.Builder: row " + i + " of " + n);
            System.arraycopy(o, i * obsDim, dst, offset, obsDim);
        }

        public Builder add(float[] obs, float[] act, float reward, float[] nextObs, boolean terminal, boolean timeout) {
            if (obs.length != obsDim || nextObs.length != obsDim || act.length != actDim)
                throw new IllegalArgumentException("Dataset.Builder.add: expected obs " + obsDim + ", act " + actDim
                        + ", got obs " + obs.length + ", act " + act.length + ", next obs " + nextObs.length);
            if (n == r.length) grow();
            System.arraycopy(obs, 0, o, n * obsDim, obsDim);
            System.arraycopy(act, 0, a, n * actDim, actDim);
            System.arraycopy(nextObs, 0, no, n * obsDim, obsDim);
            r[n] = reward;
            t[n] = terminal;
            to[n] = timeout;
            n++;
            return this;
        }

        /** Marks the last added row as a timeout (the episode was cut). */
        public void markLastTimeout() {
            if (n > 0 && !t[n - 1]) to[n - 1] = true;
        }

        private void grow() {
            int c = r.length * 2;
            o = Arrays.copyOf(o, c * obsDim);
            a = Arrays.copyOf(a, c * actDim);
            r = Arrays.copyOf(r, c);
            no = Arrays.copyOf(no, c * obsDim);
            t = Arrays.copyOf(t, c);
            to = Arrays.copyOf(to, c);
        }

        public Dataset build() {
            return new Dataset(obsDim, actDim, Arrays.copyOf(o, n * obsDim), Arrays.copyOf(a, n * actDim),
                    Arrays.copyOf(r, n), Arrays.copyOf(no, n * obsDim), Arrays.copyOf(t, n), Arrays.copyOf(to, n));
        }
    }

    @Override
    public String toString() {
        return "Dataset[N=" + n + ", obs=" + obsDim + ", act=" + actDim + ", episodes=" + (episodeStarts().length - 1) + "]";
    }
}

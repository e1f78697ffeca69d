package forler.data;

import forler.engine.Rng;
import java.util.Arrays;

/** Whole-episode operations on a {@link Dataset}: a seeded subset that keeps shipped resources small. */
public final class Episodes {
    private Episodes() {}

    /**
     * At most {@code maxTransitions} rows made of whole episodes: the episodes are visited in a seeded random order
     * (Fisher–Yates with {@code new Rng(seed)}) and each is kept if it still fits; the kept ones are returned in their
     * original order. The whole dataset when it fits.
     */
    public static Dataset subset(Dataset d, int maxTransitions, long seed) {
        if (maxTransitions <= 0) throw new IllegalArgumentException("subset: the transition cap must be positive, got " + maxTransitions);
        if (d.size() <= maxTransitions) return d;
        int[] starts = d.episodeStarts();   // [E + 1]
        int episodes = starts.length - 1;
        int[] order = new int[episodes];     // [E] a seeded permutation
        for (int e = 0; e < episodes; e++) order[e] = e;
        Rng rng = new Rng(seed);
        for (int i = episodes - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] keep = new boolean[episodes];
        int total = 0;
        for (int e : order) {
            int len = starts[e + 1] - starts[e];
            if (total + len > maxTransitions) continue;
            keep[e] = true;
            total += len;
        }
        if (total == 0) throw new IllegalArgumentException("subset: no whole episode fits in " + maxTransitions + " transitions");
        int S = d.obsDim(), A = d.actDim();
        float[] obs = new float[total * S], act = new float[total * A], rew = new float[total], next = new float[total * S];
        boolean[] term = new boolean[total], tout = new boolean[total];
        int r = 0;
        for (int e = 0; e < episodes; e++) {
            if (!keep[e]) continue;
            int from = starts[e], len = starts[e + 1] - from;
            System.arraycopy(d.observations(), from * S, obs, r * S, len * S);
            System.arraycopy(d.actions(), from * A, act, r * A, len * A);
            System.arraycopy(d.rewards(), from, rew, r, len);
            System.arraycopy(d.nextObservations(), from * S, next, r * S, len * S);
            System.arraycopy(d.terminals(), from, term, r, len);
            System.arraycopy(d.timeouts(), from, tout, r, len);
            r += len;
        }
        return new Dataset(S, A, obs, act, rew, next, term, tout);
    }

    /** Number of episodes in {@code d} (a trailing unfinished one counts). */
    public static int count(Dataset d) { return d.episodeStarts().length - 1; }

    /** Mean and population standard deviation of the episode returns: {mean, std}. */
    public static double[] returnStats(Dataset d) {
        double[] r = d.episodeReturns();
        double mean = Arrays.stream(r).average().orElse(Double.NaN), var = 0;
        for (double x : r) var += (x - mean) * (x - mean);
        return new double[] {mean, r.length > 0 ? Math.sqrt(var / r.length) : Double.NaN};
    }
}

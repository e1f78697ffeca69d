package forler.rl;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.Tensor;
import forler.env.ActionScale;
import forler.io.StateDict;
import java.util.Arrays;

/**
 * Online SAC's replay buffer: a ring of the last {@code capacity} transitions with actions in the unit box
 * (as the networks see them), sampled uniformly with replacement into one reused {@link Batch}, like SB3's and
 * CORL's buffers. Arrays grow by doubling up to the capacity, so a short run holds only what it used.
 *
 * <p>It keeps D4RL's two episode-end flags apart: {@code terminal} (no bootstrap) and {@code timeout} (cut by the
 * time limit), so the buffer can be written out as a D4RL {@code medium-replay} dataset ({@link #toDataset}) and
 * saved inside a checkpoint ({@link #state}, {@link #load}).
 */
public final class ReplayBuffer {
    public final int obsDim, actDim, capacity;
    private float[] obs, act, rew, next; // [C, S], [C, A], [C], [C, S]
    private boolean[] terminal, timeout; // [C]
    private int size, head;              // head: where the next transition goes
    private long added;                  // transitions ever added

    private Tensor bObs, bAct, bRew, bNext, bDone; // reused batch: [B, S], [B, A], [B], [B, S], [B]
    private int[] bIdx;                            // [B]

    public ReplayBuffer(int obsDim, int actDim, int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("ReplayBuffer: capacity must be positive, got " + capacity);
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.capacity = capacity;
        allocate(Math.min(capacity, 1024));
    }

    private void allocate(int c) {
        obs = obs == null ? new float[c * obsDim] : Arrays.copyOf(obs, c * obsDim);
        act = act == null ? new float[c * actDim] : Arrays.copyOf(act, c * actDim);
        rew = rew == null ? new float[c] : Arrays.copyOf(rew, c);
        next = next == null ? new float[c * obsDim] : Arrays.copyOf(next, c * obsDim);
        terminal = terminal == null ? new boolean[c] : Arrays.copyOf(terminal, c);
        timeout = timeout == null ? new boolean[c] : Arrays.copyOf(timeout, c);
    }

    public int size() { return size; }

    /** Transitions ever added (more than {@link #size()} once the ring has wrapped). */
    public long added() { return added; }

    /** Appends one transition; {@code unitAction} in [−1, 1]^A. Overwrites the oldest when full. */
    public void add(float[] o, float[] unitAction, float r, float[] nextObs, boolean term, boolean trunc) {
        if (o.length != obsDim || nextObs.length != obsDim || unitAction.length != actDim)
            throw new IllegalArgumentException("ReplayBuffer.add: expected obs " + obsDim + ", act " + actDim + ", got obs "
                    + o.length + ", act " + unitAction.length + ", next obs " + nextObs.length);
        if (head == rew.length && rew.length < capacity) allocate(Math.min(capacity, rew.length * 2));
        System.arraycopy(o, 0, obs, head * obsDim, obsDim);
        System.arraycopy(unitAction, 0, act, head * actDim, actDim);
        System.arraycopy(nextObs, 0, next, head * obsDim, obsDim);
        rew[head] = r;
        terminal[head] = term;
        timeout[head] = trunc && !term;
        head = (head + 1) % capacity;
        size = Math.min(size + 1, capacity);
        added++;
    }

    /** The unit-box action of the {@code back}-th most recent transition (0 = the last one added). */
    public float[] recentAction(int back) { return recent(act, actDim, back); }

    /** The next observation of the {@code back}-th most recent transition (0 = the last one added). */
    public float[] recentNextObs(int back) { return recent(next, obsDim, back); }

    private float[] recent(float[] a, int dim, int back) {
        if (back < 0 || back >= size) throw new IndexOutOfBoundsException("ReplayBuffer: recent(" + back + ") but size is " + size);
        int i = Math.floorMod(head - 1 - back, capacity);
        return Arrays.copyOfRange(a, i * dim, (i + 1) * dim);
    }

    /** A uniform minibatch with replacement; the tensors are reused and valid until the next call. */
    public Batch sample(int batchSize, Rng rng) {
        if (size == 0) throw new IllegalStateException("ReplayBuffer.sample: the buffer is empty");
        if (bIdx == null || bIdx.length != batchSize) {
            bObs = Tensor.zeros(batchSize, obsDim);
            bAct = Tensor.zeros(batchSize, actDim);
            bRew = Tensor.zeros(batchSize);
            bNext = Tensor.zeros(batchSize, obsDim);
            bDone = Tensor.zeros(batchSize);
            bIdx = new int[batchSize];
        }
        for (int b = 0; b < batchSize; b++) {
            int i = rng.nextInt(size);
            bIdx[b] = i;
            System.arraycopy(obs, i * obsDim, bObs.data, b * obsDim, obsDim);
            System.arraycopy(act, i * actDim, bAct.data, b * actDim, actDim);
            System.arraycopy(next, i * obsDim, bNext.data, b * obsDim, obsDim);
            bRew.data[b] = rew[i];
            bDone.data[b] = terminal[i] ? 1f : 0f;
        }
        return new Batch(bObs, bAct, bRew, bNext, bDone, bIdx);
    }

    /**
     * The first {@code rows} transitions ever added, in order, as a D4RL dataset in the task's units (actions mapped
     * by {@code scale}); the last row is closed as a timeout if it ends no episode. The ring must not have wrapped.
     */
    public Dataset toDataset(int rows, ActionScale scale) {
        if (added > size) throw new IllegalStateException("ReplayBuffer.toDataset: the ring has wrapped (" + added
                + " added, capacity " + capacity + "); the first transitions are gone — use a larger capacity");
        if (rows <= 0 || rows > size) throw new IllegalArgumentException("ReplayBuffer.toDataset: rows " + rows + " not in [1, " + size + "]");
        return new Dataset(obsDim, actDim, Arrays.copyOf(obs, rows * obsDim), scale.toEnv(Arrays.copyOf(act, rows * actDim)),
                Arrays.copyOf(rew, rows), Arrays.copyOf(next, rows * obsDim), Arrays.copyOf(terminal, rows),
                Arrays.copyOf(timeout, rows)).withClosedLastEpisode();
    }

    /** The stored transitions as tensors (flags as 0/1 floats) and the ring position, for a checkpoint. */
    public StateDict state() {
        StateDict d = new StateDict();
        d.tensors.put("observations", Tensor.of(Arrays.copyOf(obs, size * obsDim), size, obsDim));
        d.tensors.put("actions", Tensor.of(Arrays.copyOf(act, size * actDim), size, actDim));
        d.tensors.put("rewards", Tensor.of(Arrays.copyOf(rew, size), size));
        d.tensors.put("next_observations", Tensor.of(Arrays.copyOf(next, size * obsDim), size, obsDim));
        d.tensors.put("terminals", Tensor.of(flags(terminal), size));
        d.tensors.put("timeouts", Tensor.of(flags(timeout), size));
        d.meta.put("head", Integer.toString(head));
        d.meta.put("added", Long.toString(added));
        d.meta.put("capacity", Integer.toString(capacity));
        return d;
    }

    private float[] flags(boolean[] f) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = f[i] ? 1f : 0f;
        return out;
    }

    /** Restores {@link #state()} into this (empty or not) buffer of the same dimensions and capacity. */
    public void load(StateDict d) {
        int cap = Integer.parseInt(d.meta.getOrDefault("capacity", "-1"));
        if (cap != capacity) throw new IllegalArgumentException("ReplayBuffer.load: checkpoint buffer capacity " + cap + ", this one " + capacity
                + " (resume with the same --buffer-size)");
        Tensor r = d.tensors.get("rewards");
        if (r == null) throw new IllegalArgumentException("ReplayBuffer.load: checkpoint has no replay buffer tensors");
        int n = r.size();
        obs = null; act = null; rew = null; next = null; terminal = null; timeout = null;
        allocate(Math.max(n, Math.min(capacity, 1024)));
        System.arraycopy(take(d, "observations", n * obsDim), 0, obs, 0, n * obsDim);
        System.arraycopy(take(d, "actions", n * actDim), 0, act, 0, n * actDim);
        System.arraycopy(r.data, 0, rew, 0, n);
        System.arraycopy(take(d, "next_observations", n * obsDim), 0, next, 0, n * obsDim);
        float[] t = take(d, "terminals", n), to = take(d, "timeouts", n);
        for (int i = 0; i < n; i++) {
            terminal[i] = t[i] != 0f;
            timeout[i] = to[i] != 0f;
        }
        size = n;
        head = Integer.parseInt(d.meta.get("head"));
        added = Long.parseLong(d.meta.get("added"));
    }

    private static float[] take(StateDict d, String name, int len) {
        Tensor t = d.tensors.get(name);
        if (t == null || t.size() != len)
            throw new IllegalArgumentException("ReplayBuffer.load: checkpoint tensor '" + name + "' missing or not of size " + len);
        return t.data;
    }
}

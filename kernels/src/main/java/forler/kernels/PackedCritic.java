package forler.kernels;

import forler.engine.nn.EnsembleLinear;
import java.util.Arrays;

/**
 * All of a critic's weights in one host array, in the order the search kernels read them:
 * {@code w0 | b0 | wMid | bMid | wOut | bOut} (shapes as in {@link CriticWeights}), so that a refresh after a critic
 * step is one host-to-device copy, not one per layer. {@link #pack(EnsembleLinear[])} copies the live values of an
 * ensemble critic's layers into the array without allocating.
 */
public final class PackedCritic {
    private final int heads, stateDim, actionDim, hidden, layers;
    /** Start of each part in {@link #data}: w0, b0, wMid, bMid, wOut, bOut, and the total length. */
    final int[] offsets = new int[7];
    private final float[] data; // [size] all parts, back to back

    /** An empty pack (zeros) for a critic of these dimensions; {@code layers} is L, the number of hidden layers. */
    public PackedCritic(int heads, int stateDim, int actionDim, int hidden, int layers) {
        if (heads < 1 || stateDim < 1 || actionDim < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException("critic dims must be positive: heads=" + heads + " stateDim=" + stateDim
                    + " actionDim=" + actionDim + " hidden=" + hidden + " layers=" + layers);
        }
        this.heads = heads;
        this.stateDim = stateDim;
        this.actionDim = actionDim;
        this.hidden = hidden;
        this.layers = layers;
        long[] sizes = {(long) heads * (stateDim + actionDim) * hidden, (long) heads * hidden,
                (long) (layers - 1) * heads * hidden * hidden, (long) (layers - 1) * heads * hidden, (long) heads * hidden, heads};
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            offsets[i] = (int) at;
            at += sizes[i];
        }
        if (at > Integer.MAX_VALUE) throw new IllegalArgumentException("critic too large to pack: " + at + " floats");
        offsets[6] = (int) at;
        data = new float[(int) at];
    }

    /**
     * A pack shaped for an ensemble critic's layers {@code [E, S+A, H], [E, H, H] × (L−1), [E, H, 1]} (biases
     * {@code [E, 1, out]}), filled with their current values.
     */
    public static PackedCritic of(int stateDim, EnsembleLinear[] layers) {
        if (layers.length < 2) throw new IllegalArgumentException("a critic needs at least 2 layers, got " + layers.length);
        EnsembleLinear first = layers[0];
        int h = first.out(), a = first.in() - stateDim;
        if (a < 1) {
            throw new IllegalArgumentException("critic layer 0 takes " + first.in() + " inputs, fewer than stateDim + 1 = "
                    + (stateDim + 1));
        }
        PackedCritic p = new PackedCritic(first.heads(), stateDim, a, h, layers.length - 1);
        p.pack(layers);
        return p;
    }

    /** The same weights, packed. */
    public static PackedCritic of(CriticWeights w) {
        PackedCritic p = new PackedCritic(w.heads(), w.stateDim(), w.actionDim(), w.hidden(), w.layers());
        float[][] parts = {w.w0(), w.b0(), w.wMid(), w.bMid(), w.wOut(), w.bOut()};
        for (int i = 0; i < parts.length; i++) System.arraycopy(parts[i], 0, p.data, p.offsets[i], parts[i].length);
        return p;
    }

    /**
     * Copies the layers' current weights and biases into this pack (no allocation). The layers must have this pack's
     * shape; an error names the layer that does not.
     */
    public void pack(EnsembleLinear[] layers) {
        if (layers.length != this.layers + 1) {
            throw new IllegalArgumentException("critic has " + layers.length + " layers, the pack expects " + (this.layers + 1));
        }
        int in = stateDim + actionDim;
        for (int l = 0; l < layers.length; l++) {
            EnsembleLinear L = layers[l];
            int fin = l == 0 ? in : hidden, fout = l == layers.length - 1 ? 1 : hidden;
            if (L.heads() != heads || L.in() != fin || L.out() != fout) {
                throw new IllegalArgumentException("critic layer " + l + " is [" + L.heads() + ", " + L.in() + ", " + L.out()
                        + "], the pack expects [" + heads + ", " + fin + ", " + fout + "]");
            }
            int wAt, bAt;
            if (l == 0) {
                wAt = offsets[0];
                bAt = offsets[1];
            } else if (l < layers.length - 1) {
                wAt = offsets[2] + (l - 1) * heads * hidden * hidden;
                bAt = offsets[3] + (l - 1) * heads * hidden;
            } else {
                wAt = offsets[4];
                bAt = offsets[5];
            }
            System.arraycopy(L.weight.data, 0, data, wAt, heads * fin * fout);
            System.arraycopy(L.bias.data, 0, data, bAt, heads * fout);
        }
    }

    /** The packed array, [size()] (read-only use). */
    public float[] data() { return data; }

    /** Floats in the pack. */
    public int size() { return offsets[6]; }

    /** A copy in the separate-array form the twins read. */
    public CriticWeights unpack() {
        return new CriticWeights(heads, stateDim, actionDim, hidden, layers, part(0), part(1), part(2), part(3), part(4), part(5));
    }

    /** True when the other pack has the same dimensions (and so the same layout). */
    public boolean sameShape(PackedCritic o) {
        return heads == o.heads && stateDim == o.stateDim && actionDim == o.actionDim && hidden == o.hidden && layers == o.layers;
    }

    public int heads() { return heads; }

    public int stateDim() { return stateDim; }

    public int actionDim() { return actionDim; }

    public int hidden() { return hidden; }

    public int layers() { return layers; }

    private float[] part(int i) { return Arrays.copyOfRange(data, offsets[i], offsets[i + 1]); }
}

package forler.fed;

import forler.engine.Tensor;
import forler.engine.nn.EnsembleLinear;
import forler.rl.QEnsemble;

/**
 * What an adversarial device does to the critics it uploads ({@code --adversary}; docs/design.md §Adversarial
 * devices). The adversary is the last device; it trains honestly and poisons only its upload, with a critic of the
 * right shape whose weights are as large as an honest one's (flip) or one bias larger (inflate):
 * <ul>
 *   <li>{@link #FLIP}: the output layer's weights and bias negated, so every head gives exactly −Q(s, a);</li>
 *   <li>{@link #INFLATE}: the output layer's bias raised by {@link #INFLATE_BY}, so every head gives Q(s, a) + C
 *       on every action, those far from the device's data included.</li>
 * </ul>
 */
public enum Adversary {
    NONE, FLIP, INFLATE;

    /** C, what {@link #INFLATE} adds to every head's Q. */
    public static final float INFLATE_BY = 100f;

    /** The flag's spelling: none, flip, inflate. */
    public String flag() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Parses {@code --adversary}. */
    public static Adversary parse(String flag) {
        for (Adversary a : values()) if (a.flag().equals(flag)) return a;
        throw new IllegalArgumentException("--adversary must be none, flip or inflate, got '" + flag + "'");
    }

    /** True when device k of K is the adversary: the last one, unless {@link #NONE}. */
    public boolean poisons(int k, int devices) { return this != NONE && k == devices - 1; }

    /** The critic as this adversary uploads it: {@code honest} itself for {@link #NONE}, else a poisoned copy. */
    public QEnsemble poison(QEnsemble honest) {
        if (this == NONE) return honest;
        QEnsemble q = honest.heads(0, honest.heads());          // a copy
        EnsembleLinear out = q.net.layers[q.net.layers.length - 1]; // weight [E, h, 1], bias [E, 1, 1]
        if (this == FLIP) {
            negate(out.weight);
            negate(out.bias);
        } else {
            for (int i = 0; i < out.bias.data.length; i++) out.bias.data[i] += INFLATE_BY;
        }
        return q;
    }

    private static void negate(Tensor t) {
        for (int i = 0; i < t.data.length; i++) t.data[i] = -t.data[i];
    }
}

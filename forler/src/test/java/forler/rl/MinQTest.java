package forler.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.engine.FlopCounter;
import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MinQTest {
    private static final int S = 5, A = 2;

    /** rows = B·repeat spans several chunks and ends in a partial one. */
    @Test
    void matchesTheTensorCriticOverSeveralChunks() {
        QEnsemble critic = new QEnsemble(3, S, A, 33, 2, new Rng(1));
        int b = 7, repeat = 131, rows = b * repeat;
        assertTrue(rows > 2 * MinQ.CHUNK_ROWS && rows % MinQ.CHUNK_ROWS != 0, "the shape must cover a partial chunk");
        float[] states = uniform(b * S, 2), actions = uniform(rows * A, 3), out = new float[rows];
        MinQ minQ = new MinQ(critic, S, A);
        minQ.eval(states, repeat, actions, rows, out);
        assertEquals(rows, minQ.evaluations());

        float[] ref;
        try (var g = Tape.noGrad()) {
            Tensor s = Tensor.of(states, b, S).repeat(0, repeat);      // [rows, S]
            ref = critic.minQ(s, Tensor.of(actions, rows, A)).data;    // [rows]
        }
        for (int r = 0; r < rows; r++) {
            assertEquals(ref[r], out[r], 1e-5 * (1 + Math.abs(ref[r])), "row " + r);
        }
    }

    /** A row's Q does not depend on the rows evaluated with it, so the chunking cannot change any number. */
    @Test
    void eachRowIsIndependentOfItsChunk() {
        QEnsemble critic = new QEnsemble(2, S, A, 40, 2, new Rng(4));
        int rows = MinQ.CHUNK_ROWS + 101, split = 59;
        float[] states = uniform(rows * S, 5), actions = uniform(rows * A, 6), all = new float[rows];
        MinQ minQ = new MinQ(critic, S, A);
        minQ.eval(states, 1, actions, rows, all);

        float[] head = new float[split], tail = new float[rows - split];
        minQ.eval(Arrays.copyOf(states, split * S), 1, Arrays.copyOf(actions, split * A), split, head);
        minQ.eval(Arrays.copyOfRange(states, split * S, rows * S), 1, Arrays.copyOfRange(actions, split * A, rows * A),
                rows - split, tail);
        assertArrayEquals(Arrays.copyOf(all, split), head);
        assertArrayEquals(Arrays.copyOfRange(all, split, rows), tail);
        assertEquals(2L * rows, minQ.evaluations());
    }

    /** Per row and head: the three products, bias + ReLU on the hidden layers, bias on the output; then the min over heads. */
    @Test
    void countsItsFlops() {
        QEnsemble critic = new QEnsemble(3, S, A, 33, 2, new Rng(1));
        int rows = MinQ.CHUNK_ROWS + 5;
        float[] states = uniform(rows * S, 2), actions = uniform(rows * A, 3), out = new float[rows];
        MinQ minQ = new MinQ(critic, S, A);
        long perRowAndHead = 2L * ((S + A) * 33 + 33 * 33 + 33) + (2 * 33 + 2 * 33 + 1);
        assertEquals(rows * (3 * perRowAndHead + 2), FlopCounter.count(() -> minQ.eval(states, 1, actions, rows, out)));
    }

    private static float[] uniform(int n, long seed) {
        float[] v = new float[n];
        new Rng(seed).fillUniform(v, -1, 1);
        return v;
    }
}

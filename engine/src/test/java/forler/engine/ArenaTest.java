package forler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Arena}: what it lends, when it takes it back, and that a step inside one computes the same bits. */
class ArenaTest {
    @AfterEach
    void defaults() {
        Arena.configure(true, false);
        Tape.clear();
    }

    /** A two-layer step on x[B, in]: loss = mean(relu(x·w1 + b1)·w2); returns the loss and w1's, b1's and w2's gradients. */
    private static float[][] step(Tensor x, Tensor w1, Tensor b1, Tensor w2) {
        for (Tensor p : new Tensor[] {w1, b1, w2}) p.zeroGrad();
        Tensor h = x.matmulRelu(w1, b1);
        Tensor loss = h.matmul(w2).square().mean();
        Tape.backward(loss);
        return new float[][] {{loss.item()}, w1.grad().clone(), b1.grad().clone(), w2.grad().clone()};
    }

    @Test
    void aStepInsideAnArenaGivesTheSameBitsStepAfterStepAndReusesItsArrays() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, 37, 9), w1 = Tensor.param(Tensor.randn(rng, 9, 16).data, 9, 16),
                b1 = Tensor.param(Tensor.randn(rng, 16).data, 16), w2 = Tensor.param(Tensor.randn(rng, 16, 3).data, 16, 3);
        float[][] want = step(x, w1, b1, w2);
        Arena.configure(true, true); // poisoned: an array used after its arena closed would turn the numbers into NaN
        float[] firstHidden = null;
        java.util.Set<float[]> hidden = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 3; i++) {
            try (var a = Arena.open()) {
                float[][] got = step(x, w1, b1, w2);
                for (int j = 0; j < want.length; j++) assertArrayEquals(want[j], got[j], 0f, "step " + i + ", output " + j);
                Tensor h = x.matmulRelu(w1, b1);
                if (firstHidden == null) firstHidden = h.data;
                hidden.add(h.data);
                try (var g = Tape.noGrad()) { // an arena nested in an open one gives nothing back when it closes
                    try (var inner = Arena.open()) {
                        assertTrue(Arena.isOpen());
                    }
                    assertTrue(!Float.isNaN(h.data[0]), "the inner close poisoned nothing");
                }
                Tape.clear(); // h's closure: not part of a step
            }
        }
        assertTrue(hidden.size() <= 2, "the steps after the first take back the first step's arrays (two of h's size each), got " + hidden.size());
        assertTrue(Float.isNaN(firstHidden[0]), "given back and poisoned when the outermost arena closed");
        assertTrue(!Arena.isOpen());
    }

    @Test
    void closingWithClosuresOnTheTapeIsRefusedAndParametersNeverTakeTheArenasArrays() {
        Rng rng = new Rng(6);
        Tensor x = Tensor.randn(rng, 4, 3), w = Tensor.param(Tensor.randn(rng, 3, 2).data, 3, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (var a = Arena.open()) {
                x.matmul(w).sum(); // recorded, never back-propagated
            }
        });
        assertTrue(e.getMessage().matches("arena closed with \\d+ backward closures on the tape: call Tape.backward .*"), e.getMessage());
        Tape.clear();
        float[] gw;
        try (var a = Arena.open()) {
            Tape.backward(x.matmul(w).sum());
            gw = w.grad();
        }
        try (var a = Arena.open()) {
            Tape.backward(x.matmul(w).sum());
            assertSame(gw, w.grad(), "a parameter keeps its own gradient array");
        }
        assertEquals(6, gw.length);
    }

    @Test
    void switchedOffEveryArrayIsNew() {
        Arena.configure(false, false);
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 4, 3), w = Tensor.randn(rng, 3, 2);
        float[] first;
        try (var a = Arena.open()) {
            first = x.matmul(w).data;
        }
        try (var a = Arena.open()) {
            assertNotSame(first, x.matmul(w).data);
        }
    }
}

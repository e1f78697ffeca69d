package forler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import forler.engine.nn.Adam;
import forler.engine.nn.MLP;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FlopCounter}: the count of a small MLP's forward, backward and Adam step equals the count worked out by hand
 * from the rules in its documentation, on every CPU backend; an ensemble with a shared input counts the same on 1 and
 * 2 threads; counting changes no value; nothing is counted while counting is off.
 */
class FlopCounterTest extends OnEachBackend {
    /** MLP {3, 8, 8, 2} on a constant x[5, 3]; loss = mean((y − t)²). */
    private static List<float[]> mlpStep(boolean count, long[] flops) {
        MLP net = new MLP(new int[] {3, 8, 8, 2}, false, new Rng(7));
        Tensor x = Tensor.uniform(new Rng(8), -1f, 1f, 5, 3), t = Tensor.uniform(new Rng(9), -1f, 1f, 5, 2); // [B, S], [B, 2]
        Adam opt = new Adam(new ArrayList<>(net.params().values()), 1e-2f);
        List<float[]> out = new ArrayList<>();
        Runnable step = () -> {
            Tensor loss = net.forward(x).sub(t).square().mean();
            Tape.backward(loss);
            out.add(loss.data.clone());
            for (Tensor p : net.params().values()) out.add(p.grad().clone());
            opt.step();
            for (Tensor p : net.params().values()) out.add(p.data.clone());
        };
        if (count) flops[0] = FlopCounter.count(step);
        else step.run();
        return out;
    }

    @Test
    void smallMlpStepCountsWhatTheRulesSay() {
        long[] flops = new long[1];
        mlpStep(true, flops);
        long forward = 2 * 5 * 8 * 3 + 5 * 8 + 5 * 8     // layer 1: x·W, + b, ReLU
                + 2 * 5 * 8 * 8 + 5 * 8 + 5 * 8          // layer 2
                + 2 * 5 * 2 * 8 + 5 * 2                  // layer 3: x·W, + b
                + 10 + 10                                // − t, square
                + 10 + 1;                                // mean = sum (10 additions) and × 1/10
        long backward = 2 + 10 + 10                      // scale: gx += c·g; sum: gx += g; reshape to [10]: gx += g
                + 3 * 10 + 10                            // square: gx += 2·x·g; sub: ga += g (t is a constant)
                + 5 * 2 + 2 * 5 * 8 * 2 + 2 * 8 * 2 * 5  // layer 3: db, dx = dy·Wᵀ, dW = xᵀ·dy
                + 5 * 8                                  // ReLU
                + 5 * 8 + 2 * 5 * 8 * 8 + 2 * 8 * 8 * 5  // layer 2
                + 5 * 8                                  // ReLU
                + 5 * 8 + 2 * 3 * 8 * 5;                 // layer 1: db, dW (x needs no gradient)
        long adam = 13 * (3 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2);
        assertEquals(1241, forward);
        assertEquals(2072, backward);
        assertEquals(forward + backward + adam, flops[0]);
    }

    @Test
    void countingChangesNoValue() {
        List<float[]> plain = mlpStep(false, null), counted = mlpStep(true, new long[1]);
        assertEquals(plain.size(), counted.size());
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i), counted.get(i), "array " + i);
    }

    @Test
    void nothingIsCountedWhileOff() {
        mlpStep(false, null);
        assertEquals(0, FlopCounter.count(() -> {}));
        FlopCounter.add(5);
        FlopCounter.gemm(2, 3, 4);
        assertEquals(0, FlopCounter.count(() -> {}));
        assertEquals(5 + 2 * 2 * 3 * 4, FlopCounter.count(() -> {
            FlopCounter.add(5);
            FlopCounter.gemm(2, 3, 4);
        }));
    }

    /** x[6, 4] (trainable, shared by 3 heads) · w[3, 4, 5] + b[3, 1, 5], summed. */
    private static long ensembleCount() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.param(Tensor.uniform(rng, -1f, 1f, 6, 4).data, 6, 4);
        Tensor w = Tensor.param(Tensor.uniform(rng, -1f, 1f, 3, 4, 5).data, 3, 4, 5);
        Tensor b = Tensor.param(Tensor.uniform(rng, -1f, 1f, 3, 1, 5).data, 3, 1, 5);
        return FlopCounter.count(() -> Tape.backward(x.ensembleMatmul(w, b).sum()));
    }

    @Test
    void ensembleWithSharedInputCountsTheSameOnOneAndTwoThreads() {
        long out = 3 * 6 * 5;
        long expected = 3 * 2 * 6 * 4 * 5 + out  // forward: products and biases
                + out + out + out                   // sum, its backward, reshape's backward
                + out                               // db
                + 3 * 2 * 6 * 4 * 5                 // dx = Σ_heads dy·Wᵀ
                + 3 * 2 * 4 * 5 * 6;                // dW
        assertEquals(expected, ensembleCount());
        if (!backend.equals("cpu")) return;
        Backend previous = Backends.get();
        try {
            Backends.set(new VectorBackend(2));
            assertEquals(expected, ensembleCount());
        } finally {
            Backends.set(previous);
        }
    }
}

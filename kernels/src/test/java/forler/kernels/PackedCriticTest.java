package forler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import forler.engine.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one-buffer layout of the critic's weights: parts back to back in kernel order, and back again unchanged. */
class PackedCriticTest {
    @ParameterizedTest(name = "E={0} S={1} A={2} H={3} L={4}")
    @CsvSource({"2,3,2,5,1", "2,17,6,33,2", "4,5,1,7,3"})
    void packThenUnpackGivesTheSameWeightsAndTheTwinTheSameQ(int e, int s, int a, int h, int l) {
        Rng rng = new Rng(9);
        CriticWeights w = CriticWeights.random(rng, e, s, a, h, l);
        PackedCritic p = PackedCritic.of(w);
        float[][] parts = {w.w0(), w.b0(), w.wMid(), w.bMid(), w.wOut(), w.bOut()};
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            assertEquals(at, p.offsets[i], "offset of part " + i);
            at += parts[i].length;
        }
        assertEquals(at, p.size());
        CriticWeights back = p.unpack();
        for (int i = 0; i < parts.length; i++) {
            float[][] got = {back.w0(), back.b0(), back.wMid(), back.bMid(), back.wOut(), back.bOut()};
            assertArrayEquals(parts[i], got[i], "part " + i);
        }
        int b = 3, n = 4;
        float[] states = Close.uniform(rng, b * s, -1, 1), actions = Close.uniform(rng, b * n * a, -1, 1);
        float[] want = new float[b * n], got = new float[b * n];
        CriticSearchTwin.forwardMin(w, states, actions, b * n, n, want);
        CriticSearchTwin.forwardMin(back, states, actions, b * n, n, got);
        assertArrayEquals(want, got, 0f);
    }
}

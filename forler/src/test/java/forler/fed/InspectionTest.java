package forler.fed;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** {@link Inspection}'s figures on hand-computed inputs. */
class InspectionTest {
    @Test
    void saturationCountsTheCoordinatesAtTheBoxsEdge() {
        assertEquals(0.5, Inspection.saturated(new float[] {0.995f, -1f, 0.5f, 0.98f}), 1e-12);
    }

    @Test
    void distanceIsTheMeanSquaredNormOverRows() {
        // rows (1, 0) vs (0, 0): 1; (0, 0) vs (0, 2): 4 → 2.5
        assertEquals(2.5, Inspection.distance(new float[] {1, 0, 0, 0}, new float[] {0, 0, 0, 2}, 2), 1e-12);
    }

    @Test
    void qIsTheMinOverHeadsAndTheSpreadTheirStandardDeviation() {
        float[] q = {1, 5, 3, 2}; // [H = 2, N = 2]: state 0 has heads (1, 3), state 1 (5, 2)
        assertEquals((1 + 2) / 2.0, Inspection.meanOfMin(q, 2), 1e-12);
        assertEquals((1 + 1.5) / 2.0, Inspection.headSpread(q, 2), 1e-12);
    }

    @Test
    void rowsPicksTheIndexedRows() {
        float[] table = {0, 1, 10, 11, 20, 21}; // [3, 2]
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, Inspection.rows(table, new int[] {2, 0, 2}, 2).data);
        assertArrayEquals(new int[] {3, 2}, Inspection.rows(table, new int[] {2, 0, 2}, 2).shape);
    }
}

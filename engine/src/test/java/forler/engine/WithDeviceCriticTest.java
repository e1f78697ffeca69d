package forler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wrapper that adds a device critic must hand every other call to its base backend. */
class WithDeviceCriticTest {
    /** A default left to the interface would silently run the scalar reference instead of the base's fast path. */
    @Test
    void overridesEveryDefaultOfBackend() throws NoSuchMethodException {
        List<String> missing = new ArrayList<>();
        for (Method m : Backend.class.getMethods()) {
            if (!m.isDefault() || Modifier.isStatic(m.getModifiers())) continue;
            Method impl = WithDeviceCritic.class.getMethod(m.getName(), m.getParameterTypes());
            if (impl.getDeclaringClass() != WithDeviceCritic.class) missing.add(m.getName());
        }
        assertTrue(missing.isEmpty(), "WithDeviceCritic leaves these to Backend's defaults: " + missing);
    }

    @Test
    void biasAndThreadCallsReachTheBase() {
        AtomicInteger bias = new AtomicInteger(), kept = new AtomicInteger();
        Backend base = new Backend() {
            @Override public String name() { return "counting"; }
            @Override public void mult(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
            @Override public void multTransA(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
            @Override public void multTransB(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean acc) {}
            @Override public void addBiasRows(int rows, int cols, float[] y, int yOff, float[] b, int bOff, boolean relu) {
                bias.incrementAndGet();
                Backend.super.addBiasRows(rows, cols, y, yOff, b, bOff, relu);
            }
            @Override public void keepOnCallingThread(boolean keep) { kept.incrementAndGet(); }
        };
        Backend w = new WithDeviceCritic(base, (s, l) -> null);
        float[] y = {1f, -3f};
        w.addBiasRows(1, 2, y, 0, new float[] {1f, 1f}, 0, true);
        w.keepOnCallingThread(true);
        assertArrayEquals(new float[] {2f, 0f}, y);
        assertEquals(1, bias.get());
        assertEquals(1, kept.get());
    }
}

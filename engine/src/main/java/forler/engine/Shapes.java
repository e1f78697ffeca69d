package forler.engine;

import java.util.Arrays;

/** Small helpers on shapes ({@code int[]}, row-major). */
public final class Shapes {
    private Shapes() {}

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31 elements");
        return (int) n;
    }

    public static String str(int[] shape) { return Arrays.toString(shape); }

    /** Product of the dims before {@code axis}. */
    public static int outer(int[] shape, int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) n *= shape[i];
        return n;
    }

    /** Product of the dims after {@code axis}. */
    public static int inner(int[] shape, int axis) {
        int n = 1;
        for (int i = axis + 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    /** Resolves a possibly negative axis (-1 = last) and checks it. */
    public static int axis(String op, int[] shape, int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + str(shape));
        }
        return a;
    }

    /** Shape with {@code axis} removed (keepDim false) or set to 1 (keepDim true). */
    public static int[] reduce(int[] shape, int axis, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[axis] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) s[j++] = shape[i];
        return s;
    }

    /** NumPy broadcasting of two shapes, or an error naming the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " do not broadcast");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /**
     * Strides of {@code in} seen from an output of shape {@code out} (0 along broadcast dims), so that the
     * input element for output index (i0..in-1) is at Σ ik·stride[k].
     */
    static int[] broadcastStrides(int[] in, int[] out) {
        int[] st = new int[out.length];
        int s = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            int o = i + out.length - in.length;
            st[o] = in[i] == 1 ? 0 : s;
            s *= in[i];
        }
        return st;
    }

    /**
     * {P, R, C} when {@code in} broadcast to {@code out} is a row vector per leading block: out = [..., R, C] with P the
     * product of the leading dims, and in (left-padded with 1s) = [..., 1, C] equal to out in every leading dim
     * (a bias [C] over [B, C], or [E, 1, C] over [E, B, C]); else null.
     */
    static int[] rowBroadcast(int[] in, int[] out) {
        int d = out.length;
        if (d < 2 || in.length > d || in.length == 0) return null;
        int pad = d - in.length, p = 1;
        for (int k = 0; k < d; k++) {
            int v = k < pad ? 1 : in[k - pad];
            if (k == d - 1 && v != out[k]) return null;
            if (k == d - 2 && v != 1) return null;
            if (k < d - 2) {
                if (v != out[k]) return null;
                p *= out[k];
            }
        }
        return out[d - 2] == 1 ? null : new int[] {p, out[d - 2], out[d - 1]};
    }
}

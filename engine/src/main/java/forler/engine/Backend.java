package forler.engine;

/**
 * The products that training needs, on row-major packed float32 arrays. A backend supplies them; tensors,
 * layers and algorithms never name the backend they run on (see {@link Backends#get()}).
 *
 * <p>All three write {@code C[m,n]} at {@code c[cOff..]}; with {@code accumulate} they add into it,
 * otherwise they overwrite it. Output argument last-but-one, as EJML does.
 */
public interface Backend {
    /** Short name used by {@code -Dforler.backend=}: {@code cpu}, {@code ejml}, {@code naive}, {@code cuda}. */
    String name();

    /** C[m,n] (+)= A[m,k] · B[k,n]. */
    void mult(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /** C[m,n] (+)= Aᵀ · B, with A stored as [k,m] and B as [k,n]. */
    void multTransA(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /** C[m,n] (+)= A · Bᵀ, with A stored as [m,k] and B as [n,k]. */
    void multTransB(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /**
     * ReLU's backward: gx[i] += g[i] wherever x[i] > 0, for i < n (elsewhere gx is left as it is, bit for bit).
     * A backend may vectorise it; the scalar loop here is the reference.
     */
    default void addWherePositive(int n, float[] x, float[] g, float[] gx) {
        for (int i = 0; i < n; i++) if (x[i] > 0f) gx[i] += g[i];
    }
}

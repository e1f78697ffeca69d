package forler.kernels.dev;

/** Java twin of {@code dev/ensemble_min.cu}: in [E, B] → out [B] = min over heads, argmin [B] (lowest head on ties). */
public final class EnsembleMinTwin {
    private EnsembleMinTwin() {}

    public static void min(float[] out, int[] argmin, float[] in, int e, int b) {
        for (int j = 0; j < b; j++) {
            float best = in[j];
            int arg = 0;
            for (int h = 1; h < e; h++) {
                float v = in[h * b + j];
                if (v < best) { best = v; arg = h; }
            }
            out[j] = best;
            argmin[j] = arg;
        }
    }
}

// Dev check without a GPU: runs the CUDA kernels under kernels/emu/emu.h (CPU threads) and compares them with
// their Java twins. Run kernels/emu/run.sh; see docs/cuda.md.
import forler.kernels.*;
import forler.kernels.dev.*;
import forler.engine.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

public class Compare {
    static Path dir;
    static void w(String n, float[] x) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x); Files.write(dir.resolve(n), b.array());
    }
    static float[] r(String n) throws Exception {
        byte[] a = Files.readAllBytes(dir.resolve(n)); float[] x = new float[a.length / 4];
        ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x); return x;
    }
    static int[] ri(String n) throws Exception {
        byte[] a = Files.readAllBytes(dir.resolve(n)); int[] x = new int[a.length / 4];
        ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(x); return x;
    }
    static void run(String cmd) throws Exception {
        Process p = new ProcessBuilder(System.getProperty("emu.driver"), cmd, dir.toString()).inheritIO().start();
        if (p.waitFor() != 0) throw new RuntimeException("driver failed");
    }
    static double maxDiff(float[] a, float[] b, double rtol) {
        if (a.length != b.length) throw new RuntimeException("len " + a.length + " vs " + b.length);
        double m = 0; for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1e-6 + rtol * Math.abs(a[i])));
        return m;
    }
    static int bad;
    static void check(boolean ok, String what) { if (!ok) { bad++; System.out.println("  MISMATCH: " + what); } }
    static float[] u(Rng rng, int n, float lo, float hi) { float[] x = new float[n]; rng.fillUniform(x, lo, hi); return x; }

    public static void main(String[] args) throws Exception {
        dir = Files.createTempDirectory("emu");
        Rng rng = new Rng(99);
        // critic
        int[][] shapes = {{2,3,7,4,5,33,2}, {3,2,5,11,1,17,1}, {4,1,1,3,2,40,3}, {2,3,20,17,6,256,2}, {2,1,9,376,17,300,3}};
        for (int[] s : shapes) {
            int e = s[0], b = s[1], n = s[2], S = s[3], A = s[4], h = s[5], l = s[6];
            CriticWeights cw = CriticWeights.random(rng, e, S, A, h, l);
            float[] st = u(rng, b * S, -2, 2), ac = u(rng, b * n * A, -1, 1);
            Files.writeString(dir.resolve("dims.txt"), e + " " + b + " " + n + " " + S + " " + A + " " + h + " " + l);
            w("states.bin", st); w("actions.bin", ac); w("w0.bin", cw.w0()); w("b0.bin", cw.b0()); w("wMid.bin", cw.wMid());
            w("bMid.bin", cw.bMid()); w("wOut.bin", cw.wOut()); w("bOut.bin", cw.bOut());
            run("critic");
            float[] want = new float[b * n];
            CriticSearchTwin.forwardMin(cw, st, ac, b * n, n, want);
            float[] tuned = r("out_tuned.bin"), simple = r("out_simple.bin");
            System.out.printf("critic %s: tuned bit-exact=%b maxrel(tuned)=%.3g maxrel(simple)=%.3g%n", Arrays.toString(s),
                Arrays.equals(want, tuned), maxDiff(want, tuned, 1e-5), maxDiff(want, simple, 1e-5));
            check(Arrays.equals(want, tuned) && maxDiff(want, simple, 1e-5) < 1, "critic");
        }
        // cem
        int[][] cs = {{3,7,5}, {1,1,1}, {4,20,6}, {2,300,17}, {5,129,2}};
        for (int[] c : cs) {
            int b = c[0], n = c[1], a = c[2]; long seed = 0x1234_5678_9abcL; int sample0 = 3 * n; float beta = 0.8f;
            float[] low = u(rng, a, -1.5f, -0.5f), high = u(rng, a, 0.5f, 1.5f), mean = u(rng, b * a, -0.5f, 0.5f), std = u(rng, b, 0.1f, 2f);
            float[] ac = u(rng, b * n * a, -1, 1), q = u(rng, b * n, -20, 20), bq = new float[b], ba = u(rng, b * a, -1, 1);
            Arrays.fill(bq, Float.NEGATIVE_INFINITY); bq[0] = 1e9f;
            Files.writeString(dir.resolve("dims.txt"), b + " " + n + " " + a + " " + 800 + " " + seed + " " + sample0);
            w("actions.bin", ac); w("q.bin", q); w("mean.bin", mean); w("std.bin", std); w("bestQ.bin", bq); w("bestA.bin", ba);
            w("low.bin", low); w("high.bin", high);
            run("cem");
            float[] samp = new float[b * n * a];
            CemUpdateTwin.sample(samp, mean, std, low, high, b, n, a, seed, sample0);
            boolean sampleExact = Arrays.equals(samp, r("sample_out.bin"));
            float[] m2 = new float[b * a], s2 = new float[b];
            CemUpdateTwin.update(ac, q, m2, s2, bq, ba, low, high, b, n, a, beta, seed, sample0, false);
            float[] gm = r("mean_out.bin"), gs = r("std_out.bin");
            float[] next = new float[b * n * a];
            CemUpdateTwin.sample(next, gm, gs, low, high, b, n, a, seed, sample0);
            System.out.printf("cem %s: sample exact=%b mean maxrel=%.3g std maxrel=%.3g bestQ eq=%b bestA eq=%b next exact=%b%n",
                Arrays.toString(c), sampleExact, maxDiff(m2, gm, 1e-5), maxDiff(s2, gs, 1e-5), Arrays.equals(bq, r("bestQ_out.bin")),
                Arrays.equals(ba, r("bestA_out.bin")), Arrays.equals(next, r("actions_out.bin")));
            check(sampleExact && maxDiff(m2, gm, 1e-5) < 1 && maxDiff(s2, gs, 1e-5) < 1 && Arrays.equals(bq, r("bestQ_out.bin"))
                && Arrays.equals(ba, r("bestA_out.bin")) && Arrays.equals(next, r("actions_out.bin")), "cem");
        }
        // gemm
        int[][] gs = {{1,1,1}, {3,5,7}, {65,33,17}, {130,70,100}, {7,200,1}};
        NaiveBackend nb = new NaiveBackend();
        for (int[] g : gs) for (int acc = 0; acc < 2; acc++) {
            int m = g[0], n = g[1], k = g[2];
            float[] a = u(rng, m * k, -1, 1), b = u(rng, k * n, -1, 1), c = u(rng, m * n, -1, 1);
            Files.writeString(dir.resolve("dims.txt"), m + " " + n + " " + k + " " + acc);
            w("a.bin", a); w("b.bin", b); w("c.bin", c);
            run("gemm");
            float[] nn = c.clone(), tn = c.clone(), nt = c.clone();
            nb.mult(m, n, k, a, 0, b, 0, nn, 0, acc == 1); nb.multTransA(m, n, k, a, 0, b, 0, tn, 0, acc == 1); nb.multTransB(m, n, k, a, 0, b, 0, nt, 0, acc == 1);
            System.out.printf("gemm %s acc=%d: nn %.3g tn %.3g nt %.3g naive: %.3g %.3g %.3g%n", Arrays.toString(g), acc,
                maxDiff(nn, r("c_nn.bin"), 1e-5), maxDiff(tn, r("c_tn.bin"), 1e-5), maxDiff(nt, r("c_nt.bin"), 1e-5),
                maxDiff(nn, r("c_naive_nn.bin"), 1e-5), maxDiff(tn, r("c_naive_tn.bin"), 1e-5), maxDiff(nt, r("c_naive_nt.bin"), 1e-5));
            for (String v : new String[] {"nn", "tn", "nt", "naive_nn", "naive_tn", "naive_nt"}) {
                float[] ref = v.endsWith("nn") ? nn : v.endsWith("tn") ? tn : nt;
                check(maxDiff(ref, r("c_" + v + ".bin"), 1e-5) < 10, "gemm " + v);
            }
        }
        // ensemble min + sum_rows
        int E = 6, B = 300, rows = 37, n = 45;
        float[] in = new float[E * B]; for (int i = 0; i < in.length; i++) in[i] = rng.nextInt(5);
        float[] x = u(rng, rows * n, -1, 1);
        Files.writeString(dir.resolve("dims.txt"), E + " " + B + " " + rows + " " + n);
        w("in.bin", in); w("x.bin", x);
        run("misc");
        float[] mo = new float[B]; int[] am = new int[B]; EnsembleMinTwin.min(mo, am, in, E, B);
        float[] sums = new float[n]; ElementwiseTwin.sumRows(sums, x, rows, n);
        System.out.printf("ensemble_min eq=%b argmin eq=%b sum_rows exact=%b%n", Arrays.equals(mo, r("min_out.bin")),
            Arrays.equals(am, ri("argmin_out.bin")), Arrays.equals(sums, r("sums_out.bin")));
        check(Arrays.equals(mo, r("min_out.bin")) && Arrays.equals(am, ri("argmin_out.bin")) && Arrays.equals(sums, r("sums_out.bin")), "misc");
        System.out.println(bad == 0 ? "emulation: all kernels agree with their twins" : "emulation: " + bad + " MISMATCHES");
        System.exit(bad == 0 ? 0 : 1);
    }
}

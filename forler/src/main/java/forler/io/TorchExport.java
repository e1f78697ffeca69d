package forler.io;

import forler.engine.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The networks of a project safetensors file (policy or checkpoint) rewritten as the state_dict of equivalent
 * PyTorch modules, for {@code forler export --torch} (docs/pytorch.md has the Python that loads them):
 * <pre>
 *   ours                                   PyTorch                          keys written
 *   MLP P.i.weight [in, out], P.i.bias     nn.Sequential(Linear, ReLU, …)   P.(2i).weight [out, in], P.(2i).bias
 *   Gaussian actor P.trunk.i, P.mu,        nn.Sequential(Linear, ReLU, …,   P.(2i) for trunk layer i; P.(2n) = the
 *     P.log_std (n trunk layers)             Linear(h, 2A))                   last Linear, rows [μ; log σ]
 *   ensemble P.i.weight [E, in, out],      nn.ModuleList of E               P.e.(2i).weight [out, in], P.e.(2i).bias
 *     P.i.bias [E, 1, out]                   nn.Sequential(Linear, ReLU, …)
 * </pre>
 * ReLU sits between Linear layers (index 2i + 1, no parameters). Everything that is not a network's weight
 * (optimiser moments, α, the rectification cache, a replay buffer) is left out. The metadata is kept, with
 * {@code format} set to {@link #FORMAT} (the original under {@code source_format}), so the project's own readers
 * refuse an exported file instead of loading its transposed weights.
 */
public final class TorchExport {
    private TorchExport() {}

    /** {@code format} metadata of an exported file. */
    public static final String FORMAT = "forler-torch-v1";

    private static final Pattern LAYER = Pattern.compile("(?:(.*)\\.)?(\\d+)\\.weight");
    private static final Pattern MEAN_HEAD = Pattern.compile("(?:(.*)\\.)?mu\\.weight");

    /** One network found: its key prefix, kind and layer widths (input first). */
    public record Network(String prefix, String kind, List<Integer> sizes) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int s : sizes) b.append(b.length() == 0 ? "" : "-").append(s);
            return (prefix.isEmpty() ? "(no prefix)" : prefix) + ": " + kind + " " + b;
        }
    }

    /** The exported tensors and metadata, the networks found and the names of the tensors left out. */
    public record Result(Map<String, Tensor> tensors, Map<String, String> meta, List<Network> networks, List<String> leftOut) {}

    /** Converts the tensors and metadata of file {@code what}; an error names it when it holds no network. */
    public static Result convert(Map<String, Tensor> in, Map<String, String> meta, String what) {
        if (FORMAT.equals(meta.get("format"))) {
            throw new IllegalArgumentException(what + " is already in PyTorch's layout (written by `forler export --torch`): export the original file");
        }
        // prefix → layer index → weight, for every "<prefix>.<i>.weight"
        Map<String, TreeMap<Integer, Tensor>> layered = new TreeMap<>();
        for (var e : in.entrySet()) {
            Matcher m = LAYER.matcher(e.getKey());
            if (m.matches()) layered.computeIfAbsent(prefixOf(m), p -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), e.getValue());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Network> networks = new ArrayList<>();
        List<String> used = new ArrayList<>();
        for (String key : new TreeMap<>(in).keySet()) {
            Matcher m = MEAN_HEAD.matcher(key);
            if (!m.matches()) continue;
            String p = prefixOf(m);
            if (!layered.containsKey(join(p, "trunk")) || !in.containsKey(join(p, "log_std.weight"))) continue; // not our actor's "mu"
            networks.add(gaussianActor(in, p, layered.remove(join(p, "trunk")), out, used, what));
        }
        for (var e : layered.entrySet()) networks.add(mlp(in, e.getKey(), e.getValue(), out, used, what));
        networks.sort(java.util.Comparator.comparing(Network::prefix));
        if (networks.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no network (no '<name>.<layer>.weight' tensors): give a policy or "
                    + "checkpoint written by forler (sac, train, run, behaviour --ship)");
        }
        List<String> leftOut = new ArrayList<>(in.keySet());
        leftOut.removeAll(used);
        Map<String, String> m = new TreeMap<>(meta);
        if (meta.containsKey("format")) m.put("source_format", meta.get("format"));
        m.put("format", FORMAT);
        return new Result(out, m, networks, leftOut);
    }

    /** Trunk layers i → P.(2i); μ and log σ heads [h, A] → one Linear P.(2n) [2A, h], rows μ then log σ. */
    private static Network gaussianActor(Map<String, Tensor> in, String p, TreeMap<Integer, Tensor> trunk,
                                         Map<String, Tensor> out, List<String> used, String what) {
        List<Integer> sizes = new ArrayList<>();
        int n = layers(in, join(p, "trunk"), trunk, 2, out, p, used, sizes, what);
        Tensor mu = take(in, join(p, "mu.weight"), used, what), muB = take(in, join(p, "mu.bias"), used, what);
        Tensor ls = take(in, join(p, "log_std.weight"), used, what), lsB = take(in, join(p, "log_std.bias"), used, what);
        int h = sizes.get(sizes.size() - 1);
        if (mu.rank() != 2 || mu.shape[0] != h || !sameShape(mu, ls) || muB.size() != mu.shape[1] || lsB.size() != ls.shape[1]) {
            throw shapes(what, p + " (mu, log_std)", "heads [" + h + ", A] and biases [A] after a trunk of width " + h);
        }
        int a = mu.shape[1];
        float[] w = new float[2 * a * h], b = new float[2 * a];         // [2A, h], [2A]
        for (int o = 0; o < a; o++) {
            for (int i = 0; i < h; i++) {
                w[o * h + i] = mu.data[i * a + o];
                w[(a + o) * h + i] = ls.data[i * a + o];
            }
            b[o] = muB.data[o];
            b[a + o] = lsB.data[o];
        }
        out.put(join(p, (2 * n) + ".weight"), Tensor.of(w, 2 * a, h));
        out.put(join(p, (2 * n) + ".bias"), Tensor.of(b, 2 * a));
        sizes.add(2 * a);
        return new Network(p, "Gaussian actor (last layer: mu, log_std)", sizes);
    }

    /** An MLP ([in, out] weights) or an ensemble of E MLPs ([E, in, out] weights), by the rank of its first weight. */
    private static Network mlp(Map<String, Tensor> in, String p, TreeMap<Integer, Tensor> ws, Map<String, Tensor> out,
                               List<String> used, String what) {
        int rank = ws.firstEntry().getValue().rank();
        if (rank != 2 && rank != 3) throw shapes(what, p, "weights [in, out] or [E, in, out]");
        List<Integer> sizes = new ArrayList<>();
        layers(in, p, ws, rank, out, p, used, sizes, what);
        if (rank == 2) return new Network(p, "MLP", sizes);
        return new Network(p, "ensemble of " + ws.firstEntry().getValue().shape[0] + " MLPs", sizes);
    }

    /**
     * Writes layers {@code src}.i as {@code dst}.(2i) (rank 2) or {@code dst}.e.(2i) (rank 3), checking that the
     * widths chain and the biases fit; appends the widths to {@code sizes} and returns the number of layers.
     */
    private static int layers(Map<String, Tensor> in, String src, TreeMap<Integer, Tensor> ws, int rank, Map<String, Tensor> out,
                              String dst, List<String> used, List<Integer> sizes, String what) {
        int n = ws.size(), heads = rank == 3 ? ws.firstEntry().getValue().shape[0] : 1;
        if (ws.firstKey() != 0 || ws.lastKey() != n - 1) throw shapes(what, src, "layers numbered 0.." + (n - 1) + ", found " + ws.keySet());
        for (int i = 0; i < n; i++) {
            Tensor w = take(in, join(src, i + ".weight"), used, what), b = take(in, join(src, i + ".bias"), used, what);
            int r = w.rank(), fanIn = w.shape[r - 2], fanOut = w.shape[r - 1];
            boolean fits = r == rank && (rank == 2 || w.shape[0] == heads) && b.size() == heads * fanOut
                    && (sizes.isEmpty() || sizes.get(sizes.size() - 1) == fanIn);
            if (!fits) throw shapes(what, src, "layer " + i + " of weight " + java.util.Arrays.toString(w.shape) + " and bias "
                    + java.util.Arrays.toString(b.shape) + " does not follow the layer before");
            if (sizes.isEmpty()) sizes.add(fanIn);
            sizes.add(fanOut);
            for (int e = 0; e < heads; e++) {
                String key = rank == 2 ? join(dst, Integer.toString(2 * i)) : join(dst, e + "." + (2 * i));
                float[] t = new float[fanOut * fanIn], bias = new float[fanOut];             // [out, in], [out]
                int base = e * fanIn * fanOut;
                for (int k = 0; k < fanIn; k++) for (int o = 0; o < fanOut; o++) t[o * fanIn + k] = w.data[base + k * fanOut + o];
                System.arraycopy(b.data, e * fanOut, bias, 0, fanOut);
                out.put(key + ".weight", Tensor.of(t, fanOut, fanIn));
                out.put(key + ".bias", Tensor.of(bias, fanOut));
            }
        }
        return n;
    }

    private static String prefixOf(Matcher m) { return m.group(1) == null ? "" : m.group(1); }

    private static String join(String prefix, String rest) { return prefix.isEmpty() ? rest : prefix + "." + rest; }

    private static boolean sameShape(Tensor a, Tensor b) { return java.util.Arrays.equals(a.shape, b.shape); }

    private static Tensor take(Map<String, Tensor> in, String key, List<String> used, String what) {
        Tensor t = in.get(key);
        if (t == null) throw new IllegalArgumentException(what + ": no tensor '" + key + "' (a network's weight without its bias?)");
        used.add(key);
        return t;
    }

    private static IllegalArgumentException shapes(String what, String network, String expected) {
        return new IllegalArgumentException(what + ": network '" + network + "' does not have the shapes of one of ours (" + expected + ")");
    }
}

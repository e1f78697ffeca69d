package forler.io;

import forler.engine.Rng;
import forler.engine.SafeTensors;
import forler.engine.Tensor;
import forler.engine.nn.Adam;
import forler.engine.nn.Module;
import forler.engine.nn.Modules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learner's full state as named tensors plus string metadata, saved as one safetensors file.
 * Modules, Adam moments and RNG states go in and come out by name.
 *
 * <p>It lives in {@code io}, beside the other file formats, because every layer writes or reads one: learners'
 * checkpoints ({@code rl}), the shipped policy files ({@code data}), the federated runs ({@code fed}, {@code net}).
 */
public final class StateDict {
    public final Map<String, Tensor> tensors = new LinkedHashMap<>();
    public final Map<String, String> meta = new LinkedHashMap<>();

    public StateDict module(String name, Module m) {
        tensors.putAll(Modules.named(name + ".", m));
        return this;
    }

    public void loadModule(String name, Module m) { Modules.load(m, tensors, name + "."); }

    /** A single tensor (e.g. log α) by name; its values are copied on load. */
    public StateDict tensor(String name, Tensor t) {
        tensors.put(name, t);
        return this;
    }

    public void loadTensor(String name, Tensor t) { copy(name, t.data); }

    public StateDict adam(String name, Adam opt) {
        for (int i = 0; i < opt.numParams(); i++) {
            tensors.put(name + ".m." + i, Tensor.of(opt.firstMoment(i).clone(), opt.firstMoment(i).length));
            tensors.put(name + ".v." + i, Tensor.of(opt.secondMoment(i).clone(), opt.secondMoment(i).length));
        }
        meta.put(name + ".t", Integer.toString(opt.steps()));
        return this;
    }

    public void loadAdam(String name, Adam opt) {
        for (int i = 0; i < opt.numParams(); i++) {
            copy(name + ".m." + i, opt.firstMoment(i));
            copy(name + ".v." + i, opt.secondMoment(i));
        }
        opt.setSteps(Integer.parseInt(need(name + ".t")));
    }

    public StateDict rng(String name, Rng rng) {
        long[] s = rng.state();
        StringBuilder b = new StringBuilder();
        for (long x : s) b.append(b.length() == 0 ? "" : ",").append(x);
        meta.put(name, b.toString());
        return this;
    }

    public void loadRng(String name, Rng rng) {
        String[] parts = need(name).split(",");
        long[] s = new long[parts.length];
        for (int i = 0; i < s.length; i++) s[i] = Long.parseLong(parts[i]);
        rng.setState(s);
    }

    public StateDict scalar(String name, double v) {
        meta.put(name, Double.toString(v));
        return this;
    }

    public double getScalar(String name) { return Double.parseDouble(need(name)); }

    /** The scalar {@code name}, or {@code fallback} when the state has none (a checkpoint written before it existed). */
    public double getScalar(String name, double fallback) {
        String v = meta.get(name);
        return v == null ? fallback : Double.parseDouble(v);
    }

    /** Adds every entry of {@code other} under {@code prefix}. */
    public StateDict put(String prefix, StateDict other) {
        other.tensors.forEach((k, v) -> tensors.put(prefix + k, v));
        other.meta.forEach((k, v) -> meta.put(prefix + k, v));
        return this;
    }

    /** The entries under {@code prefix}, with the prefix removed. */
    public StateDict sub(String prefix) {
        StateDict d = new StateDict();
        tensors.forEach((k, v) -> { if (k.startsWith(prefix)) d.tensors.put(k.substring(prefix.length()), v); });
        meta.forEach((k, v) -> { if (k.startsWith(prefix)) d.meta.put(k.substring(prefix.length()), v); });
        return d;
    }

    public void save(Path file) throws IOException { SafeTensors.write(file, tensors, meta); }

    public static StateDict read(Path file) throws IOException {
        SafeTensors.Loaded l = SafeTensors.read(file);
        StateDict d = new StateDict();
        d.tensors.putAll(l.tensors());
        d.meta.putAll(l.metadata());
        return d;
    }

    private void copy(String key, float[] dst) {
        Tensor t = tensors.get(key);
        if (t == null || t.size() != dst.length) throw new IllegalArgumentException("state has no tensor '" + key + "' of size " + dst.length);
        System.arraycopy(t.data, 0, dst, 0, dst.length);
    }

    private String need(String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException("state has no entry '" + key + "'");
        return v;
    }
}

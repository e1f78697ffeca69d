package forler.cli;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.BehaviourPolicies;
import forler.engine.Rng;
import forler.engine.SafeTensors;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.TanhActor;
import forler.engine.nn.TanhGaussianActor;
import forler.io.StateDict;
import forler.io.TorchExport;
import forler.rl.QEnsemble;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forler export --torch}: the exported file, read back, computes what the project's networks compute when
 * evaluated the way PyTorch's {@code nn.Sequential} of {@code nn.Linear} does (y = x·Wᵀ + b), and its header has
 * the dtype, shapes and state_dict keys that {@code safetensors.torch.load_file} + {@code load_state_dict} expect.
 */
class ExportCommandTest {
    @TempDir Path dir;

    @Test
    void shippedPolicyMatchesTheProjectsForwardInPyTorchsLayout() throws IOException {
        Path in = dir.resolve("hopper-expert.safetensors"), out = dir.resolve("hopper-expert-torch.safetensors");
        try (InputStream s = getClass().getClassLoader().getResourceAsStream(BehaviourPolicies.resource("hopper", "expert"))) {
            Files.copy(s, in);
        }
        MainTest.Outcome o = MainTest.forler("export", "--torch", in.toString(), out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("actor: Gaussian actor"), o.out());

        TanhGaussianActor actor = BehaviourPolicies.get("hopper", "expert").actor();
        int obs = actor.trunk.layers[0].in(), h = actor.mu.in(), a = actor.mu.out(), depth = actor.trunk.layers.length;
        Map<String, int[]> expected = new TreeMap<>();
        for (int i = 0; i < depth; i++) {
            expected.put("actor." + 2 * i + ".weight", new int[] {h, i == 0 ? obs : h});
            expected.put("actor." + 2 * i + ".bias", new int[] {h});
        }
        expected.put("actor." + 2 * depth + ".weight", new int[] {2 * a, h});
        expected.put("actor." + 2 * depth + ".bias", new int[] {2 * a});
        assertTorchHeader(out, expected);

        SafeTensors.Loaded l = SafeTensors.read(out);
        assertEquals(TorchExport.FORMAT, l.metadata().get("format"));
        assertEquals("hopper", l.metadata().get("task"));
        Tensor s = Tensor.randn(new Rng(7), 32, obs);                            // [B, S]
        Tensor mean, logStd;
        try (var g = Tape.noGrad()) {
            mean = actor.meanAction(s);                                          // [B, A]
            logStd = actor.logStd.forward(actor.trunk.forward(s));               // [B, A], before the clamp
        }
        for (int b = 0; b < s.shape[0]; b++) {
            float[] y = torchSequential(l.tensors(), "actor.", depth + 1, Arrays.copyOfRange(s.data, b * obs, (b + 1) * obs));
            for (int j = 0; j < a; j++) {
                assertClose(mean.data[b * a + j], (float) Math.tanh(y[j]), "tanh(mu) row " + b + " dim " + j);
                assertClose(logStd.data[b * a + j], y[a + j], "log_std row " + b + " dim " + j);
            }
        }
    }

    @Test
    void checkpointNetworksMatchAndOtherStateIsLeftOut() throws IOException {
        int obs = 5, act = 2, hidden = 16, depth = 2, heads = 3;
        Rng rng = new Rng(3);
        TanhActor actor = new TanhActor(obs, act, hidden, depth, rng);
        QEnsemble critic = new QEnsemble(heads, obs, act, hidden, depth, rng);
        TanhGaussianActor global = new TanhGaussianActor(obs, act, hidden, depth, rng);
        Path in = dir.resolve("checkpoint.safetensors"), out = dir.resolve("torch.safetensors");
        new StateDict().module("device0.actor", actor).module("device0.critic", critic.net).module("server.actor", global)
                .tensor("device0.log_alpha", Tensor.of(new float[] {0.5f}, 1)).save(in);

        MainTest.Outcome o = MainTest.forler("export", "--torch", in.toString(), out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("device0.critic: ensemble of 3 MLPs 7-16-16-1"), o.out());
        assertTrue(o.out().contains("left out 1 tensors") && o.out().contains("device0.log_alpha"), o.out());

        Map<String, int[]> expected = new TreeMap<>();
        int[] sizes = {obs, hidden, hidden, act};
        for (int i = 0; i < 3; i++) {
            expected.put("device0.actor." + 2 * i + ".weight", new int[] {sizes[i + 1], sizes[i]});
            expected.put("device0.actor." + 2 * i + ".bias", new int[] {sizes[i + 1]});
            int qOut = i == 2 ? 1 : hidden, qIn = i == 0 ? obs + act : hidden;
            for (int e = 0; e < heads; e++) {
                expected.put("device0.critic." + e + "." + 2 * i + ".weight", new int[] {qOut, qIn});
                expected.put("device0.critic." + e + "." + 2 * i + ".bias", new int[] {qOut});
            }
            int gOut = i == 2 ? 2 * act : hidden;
            expected.put("server.actor." + 2 * i + ".weight", new int[] {gOut, sizes[i]});
            expected.put("server.actor." + 2 * i + ".bias", new int[] {gOut});
        }
        assertTorchHeader(out, expected);

        Map<String, Tensor> sd = SafeTensors.read(out).tensors();
        Tensor s = Tensor.randn(new Rng(11), 8, obs), u = Tensor.randn(new Rng(12), 8, act).tanh();
        Tensor pi, q, g;
        try (var t = Tape.noGrad()) {
            pi = actor.forward(s);                                               // [B, A]
            q = critic.q(s, u);                                                  // [E, B]
            g = global.meanAction(s);                                            // [B, A]
        }
        for (int b = 0; b < 8; b++) {
            float[] x = Arrays.copyOfRange(s.data, b * obs, (b + 1) * obs), xa = new float[obs + act];
            System.arraycopy(x, 0, xa, 0, obs);
            System.arraycopy(u.data, b * act, xa, obs, act);
            float[] ya = torchSequential(sd, "device0.actor.", 3, x), yg = torchSequential(sd, "server.actor.", 3, x);
            for (int j = 0; j < act; j++) {
                assertClose(pi.data[b * act + j], (float) Math.tanh(ya[j]), "TanhActor row " + b);
                assertClose(g.data[b * act + j], (float) Math.tanh(yg[j]), "Gaussian actor row " + b);
            }
            for (int e = 0; e < heads; e++) {
                assertClose(q.data[e * 8 + b], torchSequential(sd, "device0.critic." + e + ".", 3, xa)[0], "Q_" + e + " row " + b);
            }
        }
    }

    @Test
    void refusesAnExportedFileAndAFileWithoutNetworks() throws IOException {
        Path in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        new StateDict().module("actor", new TanhActor(3, 1, 8, 1, new Rng(0))).save(in);
        assertEquals(0, MainTest.forler("export", "--torch", in.toString(), out.toString()).code());
        MainTest.refused(MainTest.forler("export", "--torch", out.toString(), dir.resolve("again.safetensors").toString()),
                "already in PyTorch's layout");
        Path none = dir.resolve("none.safetensors");
        new StateDict().tensor("log_alpha", Tensor.of(new float[] {0f}, 1)).save(none);
        MainTest.refused(MainTest.forler("export", "--torch", none.toString(), out.toString()), none.toString(), "no network");
        MainTest.refused(MainTest.forler("export", "--torch", dir.resolve("missing").toString(), out.toString()), "IN", "missing");
        MainTest.refused(MainTest.forler("export", "--torch", in.toString(), in.toString()), "OUT", "is IN");
        assertTrue(Files.exists(in) && !Files.exists(dir.resolve("again.safetensors")));
    }

    /**
     * nn.Sequential(Linear, ReLU, …, Linear) as PyTorch evaluates it, one input row: y = x·Wᵀ + b per layer with
     * W [out, in] from {@code prefix}(2i).weight, ReLU between layers, none after the last.
     */
    static float[] torchSequential(Map<String, Tensor> sd, String prefix, int layers, float[] x) {
        for (int l = 0; l < layers; l++) {
            Tensor w = sd.get(prefix + 2 * l + ".weight"), b = sd.get(prefix + 2 * l + ".bias");
            assertNotNull(w, prefix + 2 * l + ".weight");
            int outDim = w.shape[0], inDim = w.shape[1];
            assertEquals(x.length, inDim, prefix + 2 * l + ".weight columns");
            float[] y = new float[outDim];
            for (int o = 0; o < outDim; o++) {
                double acc = b.data[o];
                for (int i = 0; i < inDim; i++) acc += (double) x[i] * w.data[o * inDim + i];
                y[o] = l < layers - 1 ? (float) Math.max(0, acc) : (float) acc;
            }
            x = y;
        }
        return x;
    }

    private static final Pattern ENTRY = Pattern.compile("\"([^\"]+)\":\\{\"dtype\":\"(\\w+)\",\"shape\":\\[([0-9,]*)\\]");

    /**
     * The raw header, as torch's loader reads it: exactly the expected keys (the state_dict of the modules), every one
     * F32 with the expected shape, and only string values in __metadata__.
     */
    static void assertTorchHeader(Path file, Map<String, int[]> expected) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        Map<String, String> found = new TreeMap<>();
        Matcher m = ENTRY.matcher(header);
        while (m.find()) {
            assertEquals("F32", m.group(2), m.group(1) + " dtype");
            found.put(m.group(1), "[" + m.group(3) + "]");
        }
        Map<String, String> want = new TreeMap<>();
        expected.forEach((k, v) -> want.put(k, Arrays.toString(v).replace(" ", "")));
        assertEquals(want, found, "state_dict keys and shapes in " + file);
        Matcher meta = Pattern.compile("\"__metadata__\":\\{([^}]*)\\}").matcher(header);
        assertTrue(meta.find(), "no __metadata__ in " + header);
        assertTrue(meta.group(1).matches("(\"[^\"]*\":\"[^\"]*\",?)*"), "metadata values must all be strings: " + meta.group(1));
    }

    private static void assertClose(float expected, float actual, String what) {
        assertEquals(expected, actual, 1e-5f * Math.max(1f, Math.abs(expected)), what);
    }
}

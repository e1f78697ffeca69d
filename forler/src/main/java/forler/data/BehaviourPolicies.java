package forler.data;

import forler.engine.Rng;
import forler.engine.Tape;
import forler.engine.Tensor;
import forler.engine.nn.TanhGaussianActor;
import forler.env.ActionScale;
import forler.env.Policy;
import forler.env.Tasks;
import forler.io.StateDict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The behaviour policies the project ships: SAC actors trained by {@code forler sac} (see docs/behaviour-policies.md),
 * stored as resources {@code forler/policies/<task>-<kind>.safetensors} with kind {@code medium} or {@code expert}.
 *
 * <p>{@link #load} gives the stochastic policy (a ~ tanh-Gaussian π(·|s), drawn from the {@link Rng} handed to
 * {@link Policy#act}), which is what D4RL's datasets were collected with; {@link #loadDeterministic} gives
 * tanh(μ(s)), which is what the recorded returns were evaluated with. Both act in the task's action box.
 */
public final class BehaviourPolicies {
    private BehaviourPolicies() {}

    /** The kinds of policy that may be shipped per task. */
    public static final List<String> KINDS = List.of("medium", "expert");

    /** A loaded policy file: its actor, the task's action box and the file's metadata (returns, steps, seed). */
    public record Loaded(String task, String kind, TanhGaussianActor actor, ActionScale scale, Map<String, String> meta) {
        /** Samples a ~ π(·|s) with the rng given to {@code act}; task units. */
        public Policy stochastic() {
            return (obs, rng) -> {
                try (var g = Tape.noGrad()) {
                    return scale.toEnv(actor.sample(Tensor.of(obs.clone(), 1, obs.length), rng).action().data);
                }
            };
        }

        /** tanh(μ(s)) mapped to task units; ignores the rng. */
        public Policy deterministic() {
            return (obs, rng) -> {
                try (var g = Tape.noGrad()) {
                    return scale.toEnv(actor.meanAction(Tensor.of(obs.clone(), 1, obs.length)).data);
                }
            };
        }

        /**
         * The deterministic policy's mean return recorded when it was shipped ({@code forler behaviour --ship}: over
         * {@code return_episodes} episodes from reset(return_seed + k)); NaN for an unshipped file.
         */
        public double recordedReturn() { return Double.parseDouble(meta.getOrDefault("return_mean", "NaN")); }
    }

    /**
     * The behaviour policies dataset builds use: the shipped SAC policies, or a {@code forler sac} policy file when
     * a build names one. Shipped data are identified by the content of the files they come from (the policy files,
     * or for medium-replay the shipped buffer), so a retrained policy or a new buffer makes new (differently cached)
     * data.
     */
    public static PolicyProvider provider() {
        return new PolicyProvider() {
            @Override
            public Policy policy(String task, DatasetBuilder.Kind kind, Path checkpoint) {
                return checkpoint == null ? load(task, kind.id()) : read(checkpoint).stochastic();
            }

            @Override
            public String policyId(String task, DatasetBuilder.Kind kind, Path checkpoint) {
                if (checkpoint != null) return PolicyProvider.super.policyId(task, kind, checkpoint);
                List<String> files = switch (kind) {
                    case MEDIUM_REPLAY -> List.of(replayResource(task));
                    case MEDIUM_EXPERT -> List.of(resource(task, "medium"), resource(task, "expert"));
                    default -> List.of(resource(task, kind.id()));
                };
                StringBuilder key = new StringBuilder();
                for (String f : files) key.append(resourceSha256Prefix(f));
                return "shipped" + Integer.toHexString(key.toString().hashCode());
            }

            @Override
            public Dataset replayBuffer(String task, Path checkpoint) { return BehaviourPolicies.replayBuffer(task); }
        };
    }

    /** The stochastic behaviour policy of {@code task} ({@code kind} = medium or expert), for data collection. */
    public static Policy load(String task, String kind) { return get(task, kind).stochastic(); }

    /** The deterministic variant (tanh of the mean), for evaluation. */
    public static Policy loadDeterministic(String task, String kind) { return get(task, kind).deterministic(); }

    /** Resource path of a policy file. */
    public static String resource(String task, String kind) { return "forler/policies/" + task + "-" + kind + ".safetensors"; }

    /** Whether the project ships this task's policy of this kind. */
    public static boolean exists(String task, String kind) {
        return BehaviourPolicies.class.getClassLoader().getResource(resource(task, kind)) != null;
    }

    /** Every shipped policy as "task-kind", in task order. */
    public static List<String> available() {
        List<String> out = new ArrayList<>();
        for (String t : Tasks.names()) for (String k : KINDS) if (exists(t, k)) out.add(t + "-" + k);
        return out;
    }

    /**
     * A policy file written by {@code forler sac} ({@code policy-*.safetensors}, {@code snapshots/actor-*.safetensors})
     * or shipped; the task comes from the file's metadata.
     */
    public static Loaded read(Path file) {
        try {
            return read(file, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading policy file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Loaded read(Path file, String what) throws IOException {
        StateDict d = StateDict.read(file);
        String task = d.meta.get("task");
        if (task == null) throw new IllegalArgumentException(what + " names no task in its metadata; is it a SAC policy file?");
        Tasks.Info info = Tasks.info(task);
        TanhGaussianActor actor = ActorFile.read(d, what);
        int in = actor.trunk.layers[0].weight.shape[0];
        if (in != info.obsDim()) throw new IllegalStateException(what + ": actor input " + in + " does not match task " + task + "'s obs dim " + info.obsDim());
        try (var env = Tasks.make(task)) {
            return new Loaded(task, d.meta.getOrDefault("kind", "?"), actor, new ActionScale(env.actLow(), env.actHigh()), Map.copyOf(d.meta));
        }
    }

    /** Loads a shipped policy file; a missing one is an error that names it and lists what exists. */
    public static Loaded get(String task, String kind) {
        Tasks.info(task);
        if (!KINDS.contains(kind))
            throw new IllegalArgumentException("unknown behaviour policy kind '" + kind + "'; kinds: " + String.join(", ", KINDS));
        String res = resource(task, kind);
        if (!exists(task, kind)) throw new IllegalArgumentException(missingMessage(task, kind));
        Loaded l = fromResource(res, tmp -> read(tmp, res));
        if (!task.equals(l.task())) throw new IllegalStateException(res + " is for task '" + l.task() + "', not '" + task + "'");
        return new Loaded(task, kind, l.actor(), l.scale(), l.meta());
    }

    /** The error for a policy that is not shipped (every task ships both kinds today; a new task may not). */
    static String missingMessage(String task, String kind) {
        return "no shipped " + kind + " policy for task '" + task + "' (resource " + resource(task, kind) + "); shipped: "
                + (available().isEmpty() ? "none" : String.join(", ", available()))
                + ". Train one with `forler sac --task " + task + " ...` (docs/behaviour-policies.md)";
    }

    /** Resource path of a task's shipped medium-replay buffer (the medium policy's training replay buffer). */
    public static String replayResource(String task) { return "forler/policies/" + task + "-medium-replay.hdf5"; }

    /**
     * The shipped medium policy's training replay buffer up to the moment it was saved (D4RL's medium-replay), in
     * collection order and task units; an error naming the task when none is shipped.
     */
    public static Dataset replayBuffer(String task) {
        Tasks.info(task);
        String res = replayResource(task);
        if (BehaviourPolicies.class.getClassLoader().getResource(res) == null)
            throw new IllegalArgumentException("no shipped medium-replay buffer for task '" + task + "' (resource " + res + "); shipped policies: "
                    + (available().isEmpty() ? "none" : String.join(", ", available())));
        return fromResource(res, D4rlIO::read);
    }

    /** {@link PolicyProvider#sha256Prefix} of a shipped resource; an error naming it when it is missing. */
    private static String resourceSha256Prefix(String res) {
        try (InputStream in = BehaviourPolicies.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) throw new IllegalArgumentException("resource " + res + " not found; shipped policies: "
                    + (available().isEmpty() ? "none" : String.join(", ", available())));
            return PolicyProvider.sha256Prefix(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + res + ": " + e.getMessage(), e);
        }
    }

    private interface IoFunction<T> { T apply(Path p) throws IOException; }

    /** Copies a classpath resource to a temp file (the readers take paths), applies {@code f}, deletes the file. */
    private static <T> T fromResource(String res, IoFunction<T> f) {
        try (InputStream in = BehaviourPolicies.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) throw new IllegalArgumentException("resource " + res + " not found");
            Path tmp = Files.createTempFile("forler-resource-", res.endsWith(".hdf5") ? ".hdf5" : ".safetensors");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return f.apply(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + res + ": " + e.getMessage(), e);
        }
    }
}

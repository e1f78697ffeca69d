package forler.data;

import forler.engine.Rng;
import forler.engine.nn.TanhGaussianActor;
import forler.env.Env;
import forler.io.StateDict;
import java.util.Map;

/**
 * The policy file format: a tanh-Gaussian actor's parameters under {@code actor.} plus metadata (format tag, task,
 * layer sizes, and what the writer adds: kind, step, returns, seed). {@code forler sac} and {@code forler distill}
 * write it ({@code policy-*.safetensors}, {@code snapshots/actor-*.safetensors}); {@link BehaviourPolicies} reads
 * it, for shipped and user-trained policies alike.
 */
public final class ActorFile {
    private ActorFile() {}

    /** Format tag stored under {@code format}. */
    public static final String FORMAT = "forler-sac-actor-v1";

    /** {@code actor}'s parameters with the metadata a reader needs to rebuild it for {@code env}'s task, then {@code meta}. */
    public static StateDict of(TanhGaussianActor actor, Env env, Map<String, String> meta) {
        StateDict d = new StateDict().module("actor", actor);
        d.meta.put("format", FORMAT);
        d.meta.put("task", env.name());
        d.meta.put("obs_dim", Integer.toString(env.obsDim()));
        d.meta.put("act_dim", Integer.toString(env.actDim()));
        d.meta.put("hidden", Integer.toString(actor.mu.in()));
        d.meta.put("depth", Integer.toString(actor.trunk.layers.length));
        d.meta.putAll(meta);
        return d;
    }

    /** The actor stored by {@link #of}; {@code what} names the file in errors. */
    public static TanhGaussianActor read(StateDict d, String what) {
        if (!FORMAT.equals(d.meta.get("format")))
            throw new IllegalArgumentException(what + ": not a SAC actor file (format '" + d.meta.get("format") + "', expected '" + FORMAT + "')");
        TanhGaussianActor a = new TanhGaussianActor(Integer.parseInt(d.meta.get("obs_dim")), Integer.parseInt(d.meta.get("act_dim")),
                Integer.parseInt(d.meta.get("hidden")), Integer.parseInt(d.meta.get("depth")), new Rng(0));
        d.loadModule("actor", a);
        return a;
    }
}

package forler.data;

import forler.engine.Rng;
import forler.env.Env;
import forler.env.Policy;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Makes offline datasets D4RL's way: run episodes of a behaviour policy and record every transition
 * {@code (s, a, r, s', terminal, timeout)} until N are collected.
 * <ul>
 *   <li>{@code random}: actions uniform in the action box.</li>
 *   <li>{@code medium}, {@code expert}: the {@link PolicyProvider}'s (stochastic) behaviour policy.</li>
 *   <li>{@code medium-expert}: {@code medium} of N/2 rows followed by {@code expert} of N - N/2 rows, same seed
 *       (D4RL concatenates its two 1M datasets; here the total is N).</li>
 *   <li>{@code medium-replay}: the provider's replay buffer; N rows of it as whole episodes in a seeded order
 *       ({@link DeviceSplit.Mode#EPISODES}), or all of it when N equals its size.</li>
 * </ul>
 * Recording rules: the recorded action is the policy's action clipped to the bounds (what the env applied);
 * {@code terminal} = the env's {@code terminated}; {@code timeout} = {@code truncated && !terminated}; the last row
 * is marked a timeout when collection stops mid-episode. Episode seeds and policy noise come from two streams split
 * from {@code Rng(seed)}, so a dataset is a function of (env, policy, N, seed).
 * With a {@link DatasetCache} the result is stored under {@code task-kind-N-seed[-policyId]} and loaded next time.
 */
public final class DatasetBuilder {
    /** D4RL's dataset kinds. */
    public enum Kind {
        RANDOM("random"), MEDIUM("medium"), EXPERT("expert"), MEDIUM_EXPERT("medium-expert"), MEDIUM_REPLAY("medium-replay");

        private final String id;

        Kind(String id) { this.id = id; }

        /** The D4RL name ({@code medium-expert}, ...). */
        public String id() { return id; }

        /** Parses a D4RL name, naming the choices on error. */
        public static Kind parse(String s) {
            for (Kind k : values()) if (k.id.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) return k;
            throw new IllegalArgumentException("unknown dataset kind '" + s + "', expected one of "
                    + Arrays.stream(values()).map(Kind::id).toList());
        }
    }

    private final Function<String, Env> envs;
    private final PolicyProvider policies;
    private final DatasetCache cache; // null: no caching
    private final boolean progress;

    /**
     * @param envs     task name to a fresh env (closed after use); see {@link #registryEnvs()}
     * @param policies behaviour policies for medium/expert/medium-replay
     * @param cache    where built datasets are stored and looked up, or null for none
     * @param progress show a progress bar on stderr (only when stderr is a terminal and {@code CI} is unset)
     */
    public DatasetBuilder(Function<String, Env> envs, PolicyProvider policies, DatasetCache cache, boolean progress) {
        this.envs = envs;
        this.policies = policies;
        this.cache = cache;
        this.progress = progress;
    }

    /** Task lookup through {@code forler.env.Tasks.make(String)}, found by reflection so this package builds without it. */
    public static Function<String, Env> registryEnvs() {
        return task -> {
            Method make;
            try {
                make = Class.forName("forler.env.Tasks").getMethod("make", String.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("no task registry: forler.env.Tasks.make(String) is not on the class path ("
                        + e + "); pass an env lookup to DatasetBuilder", e);
            }
            try {
                return (Env) make.invoke(null, task);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException("forler.env.Tasks.make(\"" + task + "\") failed: " + e.getCause(), e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Cache key and file attributes of one dataset. */
    public record Request(String task, Kind kind, int size, long seed, Path policyFile) {
        public Request {
            if (size <= 0) throw new IllegalArgumentException("dataset size must be positive, got " + size);
        }
    }

    /** The dataset for {@code req}: from the cache if it is there, else built (and stored, with a cache). */
    public Dataset build(Request req) {
        String policyId = req.kind == Kind.RANDOM ? null : policies.policyId(req.task, req.kind, req.policyFile);
        String key = cacheKey(req, policyId);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("task", req.task);
        attrs.put("kind", req.kind.id());
        attrs.put("size", Integer.toString(req.size));
        attrs.put("seed", Long.toString(req.seed));
        if (policyId != null) attrs.put("policy", policyId);
        attrs.put("created_by", "forler " + DatasetBuilder.class.getName());
        if (cache == null) return make(req);
        return cache.getOrBuild(key, attrs, () -> make(req));
    }

    /** {@code task-kind-size-seed[-policyId]}. */
    public static String cacheKey(Request req, String policyId) {
        return req.task + "-" + req.kind.id() + "-" + req.size + "-" + req.seed + (policyId == null ? "" : "-" + policyId);
    }

    private Dataset make(Request req) {
        switch (req.kind) {
            case RANDOM:
            case MEDIUM:
            case EXPERT:
                try (Env env = envs.apply(req.task)) {
                    Policy policy = req.kind == Kind.RANDOM ? uniformRandom(env) : policies.policy(req.task, req.kind, req.policyFile);
                    return collect(env, policy, req.size, req.seed, req.task + " " + req.kind.id(), progress);
                }
            case MEDIUM_EXPERT: {
                int medium = req.size / 2;
                if (medium == 0) throw new IllegalArgumentException("medium-expert needs a size of at least 2, got " + req.size);
                Dataset m = build(new Request(req.task, Kind.MEDIUM, medium, req.seed, req.policyFile));
                Dataset e = build(new Request(req.task, Kind.EXPERT, req.size - medium, req.seed, req.policyFile));
                return Dataset.concat(m, e);
            }
            case MEDIUM_REPLAY: {
                Dataset replay = policies.replayBuffer(req.task, req.policyFile);
                if (replay.size() == req.size) return replay;
                if (replay.size() < req.size)
                    throw new IllegalArgumentException("medium-replay: the replay buffer of '" + req.task + "' has "
                            + replay.size() + " transitions, fewer than the " + req.size + " asked for: ask for at most "
                            + replay.size() + " (--size; --replay-size where a command has it)");
                return DeviceSplit.bySize(replay, 1, req.size, 0, DeviceSplit.Mode.EPISODES, req.seed).devices().get(0);
            }
            default:
                throw new AssertionError(req.kind);
        }
    }

    /** Actions uniform in {@code [actLow, actHigh]} of {@code env}. */
    public static Policy uniformRandom(Env env) {
        float[] lo = env.actLow().clone(), hi = env.actHigh().clone();
        return (obs, rng) -> {
            float[] a = new float[lo.length];
            for (int j = 0; j < a.length; j++) a[j] = lo[j] + (hi[j] - lo[j]) * rng.nextFloat();
            return a;
        };
    }

    /**
     * Runs episodes of {@code policy} in {@code env} until {@code n} transitions are recorded (rules in the class
     * comment). Episode {@code e} starts with {@code env.reset(s_e)}, seeds {@code s_e} drawn from one stream.
     */
    public static Dataset collect(Env env, Policy policy, int n, long seed, String label, boolean showProgress) {
        int obsDim = env.obsDim(), actDim = env.actDim();
        float[] lo = env.actLow(), hi = env.actHigh();
        Rng root = new Rng(seed);
        Rng episodeSeeds = root.split(), noise = root.split();
        Dataset.Builder out = new Dataset.Builder(obsDim, actDim, n);
        float[] obs = new float[obsDim];  // [obs] current observation (own copy: envs may reuse their arrays)
        float[] act = new float[actDim];  // [act] clipped action
        System.arraycopy(checkLength(env.reset(episodeSeeds.nextLong()), obsDim, "reset observation"), 0, obs, 0, obsDim);
        boolean midEpisode = false;
        try (ProgressBar bar = progressBar(label, n, showProgress)) {
            while (out.size() < n) {
                float[] a = checkLength(policy.act(obs, noise), actDim, "policy action");
                for (int j = 0; j < actDim; j++) {
                    if (Float.isNaN(a[j])) throw new IllegalStateException("policy returned NaN action at dim " + j + " (" + label + ")");
                    act[j] = Math.min(hi[j], Math.max(lo[j], a[j]));
                }
                Env.Step s = env.step(act);
                float[] next = checkLength(s.obs(), obsDim, "step observation");
                out.add(obs, act, (float) s.reward(), next, s.terminated(), s.truncated() && !s.terminated());
                if (s.done()) {
                    System.arraycopy(checkLength(env.reset(episodeSeeds.nextLong()), obsDim, "reset observation"), 0, obs, 0, obsDim);
                    midEpisode = false;
                } else {
                    System.arraycopy(next, 0, obs, 0, obsDim);
                    midEpisode = true;
                }
                if (bar != null) bar.step();
            }
        }
        if (midEpisode) out.markLastTimeout();
        return out.build();
    }

    private static float[] checkLength(float[] v, int want, String what) {
        if (v == null || v.length != want)
            throw new IllegalStateException(what + " has length " + (v == null ? "null" : v.length) + ", expected " + want);
        return v;
    }

    /** A progress bar on stderr, or null when not wanted, stderr is not a terminal, or {@code CI} is set. */
    private static ProgressBar progressBar(String label, int n, boolean wanted) {
        if (!wanted || System.console() == null || System.getenv("CI") != null) return null;
        return new ProgressBarBuilder().setTaskName(label).setInitialMax(n).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).showSpeed().build();
    }
}

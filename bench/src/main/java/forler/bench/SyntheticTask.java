package forler.bench;

import forler.data.Dataset;
import forler.engine.Backend;
import forler.engine.Backends;
import forler.engine.Rng;
import forler.engine.WithDeviceCritic;
import forler.env.ActionScale;
import forler.rl.DatasetTransitions;
import forler.rl.QEnsemble;
import java.util.Arrays;

/**
 * The synthetic workloads of the rectification benchmarks: a task's dimensions only (the cost of a FORLER step
 * does not depend on what the numbers mean), a random dataset and a random 2-head critic, all from a seed.
 *
 * @param name   the JMH {@code task} parameter
 * @param obsDim S
 * @param actDim A
 */
record SyntheticTask(String name, int obsDim, int actDim) {
    static final int BATCH = 256;   // B (docs/design.md §Networks and defaults)
    static final int HIDDEN = 256;  // hidden width (docs/design.md §Networks and defaults)
    static final int DEPTH = 2;     // hidden layers of the pendulum-size networks
    static final int HEADS = 2;     // a device's critic pair

    /** {@code pendulum} (S=3, A=1) or {@code halfcheetah} (S=17, A=6). */
    static SyntheticTask byName(String name) {
        switch (name) {
            case "pendulum": return new SyntheticTask(name, 3, 1);
            case "halfcheetah": return new SyntheticTask(name, 17, 6);
            default: throw new IllegalArgumentException("unknown task param '" + name + "': use pendulum or halfcheetah");
        }
    }

    /** {@code size} random transitions: observations and actions uniform in [−1, 1], Gaussian rewards, no terminals. */
    DatasetTransitions dataset(int size, long seed) {
        Rng rng = new Rng(seed);
        float[] obs = new float[size * obsDim], next = new float[size * obsDim], act = new float[size * actDim],
                rew = new float[size];
        rng.fillUniform(obs, -1, 1);
        rng.fillUniform(next, -1, 1);
        rng.fillUniform(act, -1, 1);
        for (int i = 0; i < size; i++) rew[i] = (float) rng.nextGaussian();
        float[] low = new float[actDim], high = new float[actDim];
        Arrays.fill(low, -1f);
        Arrays.fill(high, 1f);
        Dataset d = new Dataset(obsDim, actDim, obs, act, rew, next, new boolean[size], new boolean[size]);
        return new DatasetTransitions(d, new ActionScale(low, high), null);
    }

    /** A device's critic: {@link #HEADS} heads, {@link #DEPTH} hidden layers of {@link #HIDDEN}. */
    QEnsemble critic(long seed) { return new QEnsemble(HEADS, obsDim, actDim, HIDDEN, DEPTH, new Rng(seed)); }

    /** [B, S] states uniform in [−1, 1]. */
    float[] states(int b, long seed) {
        float[] s = new float[b * obsDim];
        new Rng(seed).fillUniform(s, -1, 1);
        return s;
    }

    /**
     * Installs the process-wide backend of a {@code backend} parameter: {@code cpu} (Vector API GEMM),
     * {@code cuda} (every GEMM on the GPU, copied per call, and the rectification fused on the GPU) or
     * {@code cuda-search} (the CPU's GEMMs, the rectification fused on the GPU); the cuda ones fail
     * with a message saying how to leave them out where there is no GPU.
     */
    static void useBackend(String backend) {
        switch (backend) {
            case "cpu":
                Backends.set(Backends.byName("cpu"));
                return;
            case "cuda":
                try {
                    Backends.set(Backends.byName("cuda"));
                    return;
                } catch (RuntimeException | LinkageError e) {
                    throw noCuda(e);
                }
            case "cuda-search": // the CPU's GEMMs for training, the rectification's min-Q and search on the GPU
                try {
                    Backend gpu = Backends.byName("cuda");
                    Backends.set(new WithDeviceCritic(Backends.byName("cpu"), (s, l) -> gpu.deviceCritic(s, l).orElseThrow()));
                    return;
                } catch (RuntimeException | LinkageError e) {
                    throw noCuda(e);
                }
            default:
                throw new IllegalArgumentException("unknown backend param '" + backend + "': use cpu, cuda or cuda-search");
        }
    }

    /** The error every benchmark gives for {@code backend=cuda} without a GPU. */
    static IllegalStateException noCuda(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null) root = root.getCause();
        return new IllegalStateException("backend=cuda skipped: no usable CUDA device (" + root.getClass().getSimpleName()
                + ": " + root.getMessage() + "). On a machine without a GPU run with -p backend=cpu; "
                + "see docs/rectification-bench.md", cause);
    }
}

package forler.cli;

import forler.data.Dataset;
import forler.data.DatasetFile;
import forler.data.BehaviourPolicies;
import forler.data.DatasetBuilder;
import forler.data.DatasetCache;
import forler.data.Episodes;
import forler.data.PolicyProvider;
import forler.env.Env;
import forler.env.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code forler dataset --task pendulum --data random --size 100000 --seed 0 --out data/pendulum-random.hdf5}:
 * collects a D4RL-style dataset (or loads it from the cache) and writes it as HDF5, in D4RL's layout or, with
 * {@code --format minari}, in Minari's (one group per episode).
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Collects an offline dataset the D4RL way (random, medium, expert, medium-expert, medium-replay) "
                + "and writes it as HDF5 in D4RL's layout (or Minari's: --format minari). Built datasets are cached "
                + "(in D4RL's layout) and loaded the next time.")
public final class DatasetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", defaultValue = "pendulum", description = "Task (see `forler tasks`). Default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--data", description = "Dataset kind (required): random, medium, expert, medium-expert or medium-replay.")
    String kind;

    @Option(names = "--kind", hidden = true, description = "Renamed --data.")
    String oldKind;

    @Option(names = "--size", required = true, description = "Number of transitions N.")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of episode starts and policy noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "HDF5 file to write (atomically). Without it the dataset stays in the cache only.")
    Path out;

    @Option(names = "--format", defaultValue = "d4rl", description = "Layout of --out: d4rl (flat arrays) or minari "
            + "(one episode_{id} group per episode, as Minari's main_data.hdf5). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--cache", description = "Dataset cache folder (default: -Dforler.cache, else cache/datasets).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Neither read nor write the cache.")
    boolean noCache;

    @Option(names = "--policy", description = "Behaviour policy checkpoint for medium/expert (default: the provider's own).")
    Path policyFile;

    @Option(names = "--no-progress", description = "Hide the progress bar (it is also hidden when stderr is not a terminal or CI is set).")
    boolean noProgress;

    private final Function<String, Env> envs;
    private final PolicyProvider policies;

    /** Envs from {@code forler.env.Tasks}, the shipped behaviour policies (see {@link BehaviourPolicies#provider()}). */
    public DatasetCommand() {
        this(DatasetBuilder.registryEnvs(), BehaviourPolicies.provider());
    }

    /** With an env lookup and the behaviour policies of medium/expert/medium-replay. */
    public DatasetCommand(Function<String, Env> envs, PolicyProvider policies) {
        this.envs = envs;
        this.policies = policies;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DatasetBuilder.Kind k;
        DatasetBuilder.Request req;
        DatasetFile.Format fmt;
        try {
            Checks.renamed("--kind", oldKind, "give the dataset kind with --data");
            if (kind == null) throw new IllegalArgumentException("Missing required option: '--data=<kind>'");
            fmt = DatasetFile.Format.parse(format);
            k = DatasetBuilder.Kind.parse(kind);
            req = new DatasetBuilder.Request(task, k, size, seed, policyFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (policyFile != null && !Files.isRegularFile(policyFile))
            throw new ParameterException(spec.commandLine(), "--policy " + policyFile + ": no such file");
        if (fmt != DatasetFile.Format.D4RL && out == null)
            throw new ParameterException(spec.commandLine(), "--format " + fmt.id() + " needs --out: the cache holds D4RL's layout only");
        if (noCache && out == null)
            throw new ParameterException(spec.commandLine(), "--no-cache needs --out: the dataset would be written nowhere");
        DatasetCache cache = noCache ? null : cacheDir != null ? new DatasetCache(cacheDir) : DatasetCache.defaultCache();
        DatasetBuilder builder = new DatasetBuilder(envs, policies, cache, !noProgress);
        try {
            Dataset d = builder.build(req);
            Path where;
            if (out != null) {
                DatasetFile.write(out, d, Map.of("task", task, "kind", k.id(), "size", Integer.toString(size),
                        "seed", Long.toString(seed)), fmt);
                where = out;
            } else {
                where = cache.path(DatasetBuilder.cacheKey(req, k == DatasetBuilder.Kind.RANDOM ? null
                        : policies.policyId(task, k, policyFile)));
            }
            spec.commandLine().getOut().println(summary(where, d, task));
            return 0;
        } catch (IOException | UncheckedIOException | UnsupportedOperationException | IllegalStateException
                 | IllegalArgumentException e) {
            err.println("dataset: " + e.getMessage());
            return 1;
        }
    }

    /** One line: path, size, episodes, return mean ± std [min, max]. */
    /** One line: size, episodes, episode return mean ± std [min, max], and normalised when {@code task} is a registered task. */
    static String summary(Path where, Dataset d, String task) {
        double[] r = d.episodeReturns(), ms = Episodes.returnStats(d);
        double min = Arrays.stream(r).min().orElse(Double.NaN), max = Arrays.stream(r).max().orElse(Double.NaN);
        String line = String.format(Locale.ROOT, "%s: %d transitions, %d episodes, episode return %.2f ± %.2f [%.2f, %.2f]",
                where, d.size(), r.length, ms[0], ms[1], min, max);
        if (!Tasks.names().contains(task)) return line;
        Tasks.Info info = Tasks.info(task); // normalisation is affine: the std scales by 100 / (R_expert − R_random)
        double scale = 100 / (info.expertReturn() - info.randomReturn());
        return line + String.format(Locale.ROOT, ", normalised %.1f ± %.1f", info.normalizedScore(ms[0]), ms[1] * Math.abs(scale));
    }
}

package forler.cli;

import forler.data.DatasetFile;
import forler.data.Dataset;
import forler.data.BehaviourPolicies;
import forler.data.DatasetBuilder;
import forler.data.DatasetCache;
import forler.env.Tasks;
import forler.rl.OfflineTraining;
import forler.io.RunDir;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forler train}: one offline RL run (CQL, TD3+BC or SAC-N) on one dataset, on this machine. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train CQL, TD3+BC or SAC-N offline on one dataset; evaluates every E steps, writes train.csv/json, "
                + "curve.png and a checkpoint (--resume continues it with the same numbers).")
public final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--algo", defaultValue = "cql", description = "cql, td3bc or sacn. Default: ${DEFAULT-VALUE}.")
    String algo;
    @Option(names = "--task", defaultValue = "pendulum", description = "Task (see `forler tasks`). Default: ${DEFAULT-VALUE}.")
    String task;
    @Option(names = "--data", defaultValue = "random",
            description = "Dataset kind built for --task (random, medium, expert, medium-replay, medium-expert; cached). Default: ${DEFAULT-VALUE}.")
    String kind;
    @Option(names = "--dataset-file", description = "An .hdf5 file in D4RL's or Minari's layout (told apart by its structure) instead of --data.")
    Path datasetFile;
    @Option(names = "--dataset", hidden = true, description = "Renamed --data (a kind) and --dataset-file (a file).")
    String oldDataset;
    @Option(names = "--size", defaultValue = "10000", description = "Transitions to build for --data (ignored for --dataset-file). Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--data-seed", defaultValue = "0", description = "Seed of the dataset build (the same data for every --seed). Default: ${DEFAULT-VALUE}.")
    long dataSeed;
    @Option(names = "--steps", defaultValue = "10000", description = "Gradient steps. Default: ${DEFAULT-VALUE}.")
    int steps;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the networks, minibatches and evaluation. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--eval-every", defaultValue = "1000", description = "Evaluate and checkpoint every E steps (and at step 0 and the end). Default: ${DEFAULT-VALUE}.")
    int evalEvery;
    @Option(names = "--eval-episodes", defaultValue = "5", description = "Episodes per evaluation (score is mean ± std). Default: ${DEFAULT-VALUE}.")
    int evalEpisodes;
    @Option(names = "--out", description = "Output folder (default: runs/train-<algo>-<task>-s<seed>).")
    Path out;
    @Option(names = "--resume", description = "Continue from the checkpoint in --out, with the numbers of an uninterrupted run.")
    boolean resume;
    @Mixin
    NetOptions net;
    @Option(names = "--heads", defaultValue = "10", description = "SAC-N's ensemble size N (sacn only). Default: ${DEFAULT-VALUE}.")
    int heads;
    @Option(names = "--cache", description = "Dataset cache folder (default: -Dforler.cache, else cache/datasets).")
    Path cache;

    @Option(names = "--clip-actions", description = "Clip a dataset file's actions outside the task's bounds (with a warning) instead of refusing the file.")
    boolean clipActions;
    @Option(names = "--overwrite", description = "Replace the run already in --out (without it, such an --out is refused unless --resume).")
    boolean overwrite;

    /** The files of a run; the first ones mark a folder as holding one. */
    static final List<String> RUN_FILES = List.of(OfflineTraining.CHECKPOINT, "train.csv", "train.json", "curve.png");

    @Override
    public Integer call() throws Exception {
        OfflineTraining.Options o = options();
        try (RunDir dir = RunDir.open(o.out(), RUN_FILES, resume, overwrite)) {
            return run(o);
        }
    }

    private int run(OfflineTraining.Options o) throws Exception {
        // the data's settings are compared on --resume too (a kind is built from --size and --data-seed; a file is itself)
        Map<String, String> dataSettings = new LinkedHashMap<>();
        if (isFile()) dataSettings.put("--dataset-file", datasetFile.toString());
        else {
            dataSettings.put("--data", kind);
            dataSettings.put("--size", Integer.toString(size));
            dataSettings.put("--data-seed", Long.toString(dataSeed));
        }
        if (resume) { // refused before any data is built
            Map<String, String> all = new LinkedHashMap<>(OfflineTraining.settings(o));
            all.putAll(dataSettings);
            OfflineTraining.checkResume(o.out(), all);
        }
        Dataset data = loadDataset();
        System.out.printf("%s on %s: %d transitions (%s), %d steps, batch %d, hidden %d×%d, seed %d → %s%n", o.algo(), o.task(),
                data.size(), isFile() ? datasetFile : kind, o.steps(), o.batch(), o.hidden(), o.depth(), o.seed(), o.out());
        OfflineTraining.Result r = new OfflineTraining(o, data, System.out).recording(dataSettings).run();
        var last = r.rows().get(r.rows().size() - 1);
        System.out.printf("final: score %.1f ± %.1f at step %d (normalised: 0 = random, 100 = expert; see %s)%n", last.get("score"), last.get("score_std"),
                last.get("step").intValue(), o.out().resolve("train.csv"));
        return 0;
    }

    OfflineTraining.Options options() {
        Checks.renamed("--dataset", oldDataset, "give a dataset kind with --data, or a file with --dataset-file");
        Checks.oneSource(spec, "--data", datasetFile, "--dataset-file");
        Tasks.info(task); // unknown task: one line listing the known ones
        Checks.file("--dataset-file", datasetFile);
        if (!isFile()) Checks.kinds("--data", List.of(kind), "--dataset-file");
        net.check(task);
        Checks.folder("--cache", cache);
        if (!isFile()) Checks.atLeast("--size", size, 1);
        Checks.fitsInMemory(task, net.hidden, net.depth(task), algo.equals("sacn") ? heads : 2, isFile() ? 0 : size);
        Path dir = out != null ? out : Path.of("runs", "train-" + algo + "-" + task + "-s" + seed);
        return new OfflineTraining.Options(algo, task, steps, evalEvery, evalEpisodes, seed, dir, resume, net.hidden, net.depth(task), net.batch, heads, false);
    }

    /** The data is --dataset-file's (else built: --data). */
    private boolean isFile() { return datasetFile != null; }

    /** --dataset-file read as a D4RL or Minari file (told apart by its structure), else --data built for the task. */
    Dataset loadDataset() throws java.io.IOException {
        if (isFile()) {
            Checks.file("--dataset-file", datasetFile);
            return Checks.taskData("--dataset-file", datasetFile, DatasetFile.read(datasetFile), task, clipActions, System.err);
        }
        DatasetBuilder.Kind kind = DatasetBuilder.Kind.parse(this.kind);
        if (size < 1) throw new IllegalArgumentException("--size must be >= 1, got " + size);
        DatasetBuilder builder = new DatasetBuilder(DatasetBuilder.registryEnvs(), BehaviourPolicies.provider(),
                cache == null ? DatasetCache.defaultCache() : new DatasetCache(cache), true);
        try {
            return builder.build(new DatasetBuilder.Request(task, kind, size, dataSeed, null));
        } catch (UnsupportedOperationException e) { // no behaviour policy for this task and kind
            throw new IllegalArgumentException("--data " + this.kind + ": " + e.getMessage());
        }
    }
}

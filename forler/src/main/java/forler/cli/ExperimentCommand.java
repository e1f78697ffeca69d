package forler.cli;

import forler.fed.Experiments;
import forler.fed.FedSimulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forler experiment e1 … e7}: the paper's experiments (paper §V; docs/design.md §Experiments), seeds × variants of {@code forler run}. */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one of the paper's experiments: e1 FORLER vs baselines, e2 devices, e3 data size, e4 alpha1/alpha2, "
                + "e5 policy pollution (4 good devices, then +2 random), e6 delta with/without rectification, e7 Q-evaluations and "
                + "wall time vs delta. Writes every run under <out>/<id>/<task>/<variant>/seed-<S>/ (rounds.csv/json), <out>/<id>/README.md "
                + "(command, date, machine, code version, settings) and the summary (summary.md, summary.csv/json, plots; see `forler report`); "
                + "completed runs are reused, unfinished ones resumed.",
                "With --shard i/n, runs only share i of the (variant × seed) runs; `forler report <out>` merges the shards.",
                "A variant's score: the normalised score of the last 3 evaluations, mean and std over seeds, for the global policy, the "
                + "devices' local policies (all of them) and the good devices' (those without random data); e5 also prints the "
                + "share of each method's score kept with the 2 random devices.",
                "offline: `forler train` alone (not federated), TD3+BC and CQL on medium, medium-replay and medium-expert data of --task, "
                + "--size transitions (medium-replay: --replay-size; --algos, --kinds pick a part of the grid), --steps gradient steps evaluated every steps / 5 on --eval-episodes "
                + "episodes, at --hidden, --depth, --batch; each run's train.csv/json under <out>/offline/<task>/<algo>-<kind>/seed-<S>/; "
                + "score: the normalised score of the last 3 evaluations."})
public final class ExperimentCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "e1, e2, e3, e4, e5, e6, e7, all, an ablation of the harness: norm (state normalisation), omega (ω_s per head), temp (search temperature), init (the search's start x₀, y₀), broadcast, adversary (one adversarial device, --devices 4 for 1 of 4), swings (E5's FORLER 4-good arm, one setting changed at a time), or offline (TD3+BC and CQL on one task's datasets, no federation)")
    String id;
    @Mixin
    RunOptions opts;
    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per variant (0 … n−1). Default: ${DEFAULT-VALUE}.")
    int seeds;
    @Option(names = "--tasks", split = ",", description = "Tasks of e1 (default: --task).")
    List<String> tasks;
    @Option(names = "--out", defaultValue = "runs/experiments",
            description = "Output folder (git-ignored by default; copy what you want to keep to results/). Default: ${DEFAULT-VALUE}.")
    Path out;
    @Option(names = "--shard", paramLabel = "i/n",
            description = "Run only share i of n of the (variant × seed) runs (run k when k mod n = i − 1), e.g. one per job of a "
                    + "Slurm array or a Kubernetes Indexed Job (docs/cluster.md); `forler report <out>` merges them. Default: all.")
    String shard;
    @Option(names = "--variants", split = ",", paramLabel = "LABEL",
            description = "Run only these variants (their folder names, e.g. forler-adversary-flip; an unknown one lists them all). Default: every variant.")
    List<String> variants;
    @Option(names = "--steps", description = "offline only: gradient steps of each `forler train` run (evaluated every steps / 5). Default: 10000.")
    Integer steps;
    @Option(names = "--replay-size", description = "offline only: transitions of the medium-replay data (at most the task's replay buffer). Default: --size.")
    Integer replaySize;
    @Option(names = "--algos", split = ",", description = "offline only: the algorithms, td3bc and/or cql. Default: both.")
    List<String> algos;
    @Option(names = "--kinds", split = ",", description = "offline only: the datasets, of medium, medium-replay, medium-expert. Default: all three.")
    List<String> kinds;
    @Spec
    CommandSpec spec;

    /** The flags only the offline experiment takes, and the other flags it reads (the rest are federated runs' settings). */
    private static final List<String> OFFLINE_ONLY = List.of("--steps", "--replay-size", "--algos", "--kinds"),
            OFFLINE_FLAGS = List.of("--task", "--size", "--hidden", "--depth", "--batch", "--eval-episodes", "--cache", "--seeds", "--out", "--shard", "--variants");

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        Experiments.Shard share = shard == null ? Experiments.Shard.ALL : Experiments.Shard.parse(shard);
        FedSimulation.Options base = opts.options(out);
        List<String> ids = id.equals("all") ? List.of("e1", "e2", "e3", "e4", "e5", "e6", "e7") : List.of(id);
        for (String e : ids) Experiments.checkId(e);
        boolean offline = ids.equals(List.of("offline"));
        for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String flag = o.longestName();
            if (!offline && OFFLINE_ONLY.contains(flag)) {
                throw new IllegalArgumentException(flag + " is the offline experiment's: give it with `forler experiment offline`");
            }
            if (offline && !OFFLINE_FLAGS.contains(flag) && !OFFLINE_ONLY.contains(flag)) {
                throw new IllegalArgumentException(flag + " is not a setting of `forler experiment offline` (it takes " + String.join(", ", OFFLINE_FLAGS)
                        + ", " + String.join(", ", OFFLINE_ONLY) + ")");
            }
        }
        Experiments.OfflineGrid grid = new Experiments.OfflineGrid(algos == null ? Experiments.OfflineGrid.ALGOS : algos,
                kinds == null ? Experiments.OfflineGrid.KINDS : kinds, steps == null ? 10_000 : steps, replaySize == null ? base.perDevice() : replaySize);
        Experiments ex = new Experiments(base, tasks == null ? List.of(opts.task) : tasks, seeds, out, opts.datasets()::build, System.out, share)
                .withOffline(grid).withVariants(variants == null ? List.of() : variants);
        for (String e : ids) ex.chosen(e); // an unknown --variants name is refused before anything is written
        for (String e : ids) {
            Map<String, String> settings = new LinkedHashMap<>();
            if (offline) { // the settings of `forler train` it uses
                for (String flag : List.of("--task", "--size", "--hidden", "--depth", "--batch", "--eval-episodes")) settings.put(flag, base.settings().get(flag));
                settings.put("--algos", String.join(",", grid.algos()));
                settings.put("--kinds", String.join(",", grid.kinds()));
                settings.put("--replay-size", Integer.toString(grid.replaySize()));
                settings.put("--steps", Integer.toString(grid.steps()));
                settings.put("--eval-every", Integer.toString(grid.steps() / 5));
            } else {
                base.settings().forEach((flag, v) -> { if (!flag.equals("--seed")) settings.put(flag, v); });
                settings.put("--rounds", Integer.toString(base.rounds()));
                for (String flag : ex.setPerVariant(e)) settings.put(flag, "varies by variant (each run's rounds.json records its own)");
            }
            settings.put("--seeds", Integer.toString(seeds));
            if (e.equals("e1")) settings.put("--tasks", String.join(",", tasks == null ? List.of(opts.task) : tasks));
            Files.createDirectories(out.resolve(e));
            List<String> args = spec.commandLine().getParseResult().originalArgs();
            ExperimentReadme.write(out.resolve(e), e, args.subList(args.indexOf(spec.name()) + 1, args.size()), settings, share.count());
            ex.run(e);
        }
        return 0;
    }
}

package forler.cli;

import forler.fed.Experiments;
import forler.fed.Federation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code forler experiment e1 … e7}: the paper's experiments (paper §V; docs/design.md §Experiments), seeds × variants of {@code forler run}. */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one of the paper's experiments: e1 FORLER vs baselines, e2 devices, e3 data size, e4 alpha1/alpha2, "
                + "e5 policy pollution (4 good devices, then +2 random), e6 delta with/without rectification, e7 Q-evaluations and "
                + "wall time vs delta. Writes <out>/<id>/summary.csv/json, <id>.png and every run's rounds.csv; completed runs are reused.",
                "A variant's score: the normalised score of the last 3 evaluations, mean and std over seeds, for the global policy, the "
                + "devices' local policies (all of them) and the good devices' (those without random data); e5 also prints the "
                + "share of each method's score kept with the 2 random devices."})
public final class ExperimentCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "e1, e2, e3, e4, e5, e6, e7 or all")
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

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        Federation.Options base = opts.options(out);
        Experiments ex = new Experiments(base, tasks == null ? List.of(opts.task) : tasks, seeds, out, opts.datasets()::build, System.out);
        for (String e : id.equals("all") ? List.of("e1", "e2", "e3", "e4", "e5", "e6", "e7") : List.of(id)) ex.run(e);
        return 0;
    }
}

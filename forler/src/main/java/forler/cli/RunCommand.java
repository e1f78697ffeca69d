package forler.cli;

import forler.fed.FedSimulation;
import forler.io.RunDir;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forler run}: one federated (or centralized) offline RL run with evaluation after every round. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run FORLER or a baseline for R rounds; prints global and local scores, writes rounds.csv/json, curve.png and a checkpoint.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    RunOptions opts;
    @Option(names = "--out", description = "Output folder (default: runs/<algo>-<task>-s<seed>).")
    Path out;
    @Option(names = "--overwrite", description = "Replace the run already in --out (without it, such an --out is refused unless --resume).")
    boolean overwrite;

    /** The files of a run; the first ones mark a folder as holding one. */
    static final List<String> RUN_FILES = List.of("checkpoint.safetensors", "rounds.csv", "rounds.json", "curve.png");

    @Override
    public Integer call() throws Exception {
        opts.out = out;
        FedSimulation.Options o = opts.options(Path.of("runs", opts.algo + "-" + opts.task + "-s" + opts.seed));
        try (RunDir dir = RunDir.open(o.out(), RUN_FILES, opts.resume, overwrite)) {
            return run(o);
        }
    }

    private int run(FedSimulation.Options o) throws Exception {
        System.out.printf("%s on %s: %d devices (%s), |D_k| = %d, %d rounds × %d local steps, δ = %d, seed %d → %s%n",
                o.algo(), o.task(), o.devices(), String.join(",", o.kinds()), o.perDevice(), o.rounds(), o.localSteps(),
                o.rect().period(), o.seed(), o.out());
        FedSimulation.Result r = new FedSimulation(o, opts.datasets()::build, System.out).run();
        System.out.printf("final: global score %.1f, local scores mean %.1f (normalised: 0 = random, 100 = expert; see rounds.csv)%n",
                r.last().get("global_score"), r.last().get("local_score_mean"));
        return 0;
    }
}

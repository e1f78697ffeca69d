package forler.cli;

import forler.env.Tasks;
import forler.rl.OnlineTraining;
import forler.rl.Sac;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forler sac}: trains an online SAC agent ({@link Sac}) on one task with {@link OnlineTraining}, which lists
 * the files written under {@code --out} (checkpoint, evals.csv, snapshots, medium/expert/final policies,
 * medium-replay buffer). A run stopped at any point resumes with {@code --resume} from its last checkpoint and
 * continues with the same numbers as an uninterrupted run.
 */
@Command(name = "sac", mixinStandardHelpOptions = true,
        description = "Train an online SAC agent (behaviour policies: medium and expert snapshots, medium-replay buffer).")
public final class SacCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--task", defaultValue = "pendulum", description = "Task (see `forler tasks`) (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--steps", required = true, description = "Total environment steps (one gradient step each after warm-up).")
    long steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of everything (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory (checkpoint, CSV, policies).")
    Path out;

    @Option(names = "--resume", description = "Continue from OUT/checkpoint.safetensors (starts fresh if there is none).")
    boolean resume;

    @Option(names = "--eval-every", defaultValue = "5000", description = "Evaluate and checkpoint every K steps (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-episodes", defaultValue = "5", description = "Episodes per evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--save-medium-at", paramLabel = "RETURN",
            description = "Save the medium policy when an evaluation's mean return first reaches RETURN "
                    + "(default: R_random + (R_expert − R_random)/3 from the task's reference returns, D4RL-style).")
    Double mediumAt;

    @Option(names = "--medium-from", paramLabel = "STEP",
            description = "Do not train: make policy-medium.safetensors from snapshots/actor-STEP.safetensors and medium-replay.hdf5 "
                    + "from the checkpoint's first STEP transitions (for a run whose medium level was set too high), then exit.")
    Long mediumFrom;

    @Option(names = "--stop-at-score", paramLabel = "SCORE",
            description = "Stop after the first evaluation whose normalised score (0 = random, 100 = expert) reaches SCORE, "
                    + "its policies and checkpoint written as at the last step (D4RL: 10^6 steps or until the expert bar holds); "
                    + "--resume without it carries on bit for bit. Default: run all --steps.")
    Double stopAtScore;

    @Option(names = "--hidden", defaultValue = "256", description = "Hidden width of actor and critics (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--learning-starts", description = "Uniform-random warm-up steps (default: 1000 for pendulum, else 5000).")
    Integer learningStarts;

    @Option(names = "--lr", description = "Learning rate of actor, critic and α (default: 3e-4, SAC paper).")
    Float lr;

    @Option(names = "--gamma", description = "Discount γ (default: 0.99, SAC paper; rl-zoo uses 0.98 for BipedalWalker).")
    Float gamma;

    @Option(names = "--tau", description = "Polyak rate of the target critics (default: 0.005, SAC paper; rl-zoo BipedalWalker: 0.02).")
    Float tau;

    @Option(names = "--warmup-hold", defaultValue = "1",
            description = "Hold each uniform warm-up action for K steps (default: ${DEFAULT-VALUE}, i.i.d. as SB3).")
    int warmupHold;

    @Override
    public Integer call() throws IOException {
        Tasks.Info info = Tasks.info(task);
        double medium = mediumAt != null ? mediumAt : info.randomReturn() + (info.expertReturn() - info.randomReturn()) / 3;
        Sac.Config cfg = Sac.Config.forTask(task).withHidden(hidden);
        if (learningStarts != null) cfg = cfg.withLearningStarts(learningStarts);
        if (lr != null) cfg = cfg.withLr(lr);
        if (gamma != null || tau != null) {
            float g = gamma != null ? gamma : cfg.gamma(), t = tau != null ? tau : cfg.tau();
            if (!(g > 0 && g <= 1) || !(t > 0 && t <= 1))
                throw new IllegalArgumentException("--gamma and --tau must be in (0, 1], got " + g + " and " + t);
            cfg = cfg.withTargets(g, t);
        }
        if (warmupHold < 1) throw new IllegalArgumentException("--warmup-hold must be at least 1, got " + warmupHold);
        cfg = cfg.withWarmupHold(warmupHold);
        var training = new OnlineTraining(new OnlineTraining.Options(task, cfg, steps, seed, out, resume, evalEvery, evalEpisodes, medium,
                stopAtScore != null ? stopAtScore : Double.NaN),
                spec.commandLine().getOut());
        if (mediumFrom != null) training.mediumFrom(mediumFrom);
        else training.run();
        return 0;
    }
}

package forler.cli;

import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forler tasks}: lists every task with its dimensions, episode length, reference returns and whether it
 * runs on this machine; {@code --measure N} also runs N uniform-random episodes per available task and prints the
 * mean return and single-thread steps per second (how the pure-Java random references were measured).
 */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "List the tasks: dimensions, episode length, reference returns, availability on this machine.")
public final class TasksCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--measure", paramLabel = "N", defaultValue = "0",
            description = "Also run N episodes of a uniform random policy per available task and print mean return "
                    + "± std and steps/s (default: ${DEFAULT-VALUE}, no measurement).")
    int measure;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the measurement: episode k starts from reset(seed + k) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--only", split = ",", paramLabel = "TASK",
            description = "Restrict to these tasks (comma-separated).")
    List<String> only;

    /** Runs the command on its own, e.g. {@code java -cp forler-all.jar forler.cli.TasksCommand --measure 100}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TasksCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Tasks.Info> infos = only == null ? Tasks.all() : only.stream().map(Tasks::info).toList();
        out.printf("%-14s %-38s %4s %4s %6s %11s %11s  %-13s %s%n",
                "task", "reproduces", "obs", "act", "steps", "R_random", "R_expert", "references", "available here");
        for (Tasks.Info t : infos) {
            String reason = t.unavailableReason();
            out.printf("%-14s %-38s %4d %4d %6d %11.2f %11.2f  %-13s %s%n",
                    t.name(), t.gymId(), t.obsDim(), t.actDim(), t.episodeSteps(), t.randomReturn(), t.expertReturn(),
                    t.projectOwn() ? "project's own" : "D4RL", reason == null ? "yes" : "no: " + reason);
        }
        out.println();
        out.println("project's own = random return measured here (tasks --measure 100); expert return of the shipped SAC "
                + "expert, or a published return where the shipped expert falls short of it (docs/envs.md).");
        out.println("normalised score = 100 * (R - R_random) / (R_expert - R_random)");
        if (measure > 0) {
            out.println();
            out.printf("uniform random policy, %d episodes per task, seed %d, one thread (after an untimed warm-up):%n",
                    measure, seed);
            out.printf("%-14s %12s %10s %10s %12s%n", "task", "mean return", "std", "steps", "steps/s");
            for (Tasks.Info t : infos) {
                if (!t.available()) continue;
                try (Env env = Tasks.make(t.name())) {
                    // warm-up (JIT) on other seeds, untimed; the reported return comes from the timed run only
                    Rollouts.evaluate(env, Rollouts.uniformRandom(env), Math.min(measure, 20), seed + 1_000_000);
                    Rollouts.Stats s = Rollouts.evaluate(env, Rollouts.uniformRandom(env), measure, seed);
                    out.printf("%-14s %12.4f %10.4f %10d %12.0f%n", t.name(), s.mean(), s.std(), s.steps(), s.stepsPerSecond());
                    out.flush();
                }
            }
        }
        out.flush();
        return 0;
    }
}

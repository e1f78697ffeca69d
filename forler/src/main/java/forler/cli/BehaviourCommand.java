package forler.cli;

import forler.data.BehaviourPolicies;
import forler.env.Env;
import forler.env.Rollouts;
import forler.env.Tasks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forler behaviour}: lists the shipped behaviour policies, or evaluates one (shipped, by task and kind, or a
 * file written by {@code forler sac}) over N episodes: mean ± std return and the normalised score. This is how the
 * returns in docs/behaviour-policies.md were measured.
 */
@Command(name = "behaviour", mixinStandardHelpOptions = true, subcommands = BehaviourShipCommand.class,
        description = "List the shipped behaviour policies, or evaluate one (mean ± std return, normalised score).")
public final class BehaviourCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--task", description = "Task of a shipped policy (with --kind).")
    String task;

    @Option(names = "--kind", description = "medium or expert (with --task).")
    String kind;

    @Option(names = "--policy", description = "A policy file written by `forler sac` instead of a shipped one.")
    Path policy;

    @Option(names = "--episodes", defaultValue = "20", description = "Evaluation episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", description = "Episode k starts from reset(seed + k) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stochastic", description = "Sample actions from π instead of the deterministic tanh(μ(s)).")
    boolean stochastic;

    @Option(names = "--ship", paramLabel = "FILE",
            description = "Write the evaluated policy (with --policy) to FILE as a shipped policy of --kind, recording the "
                    + "deterministic and stochastic returns measured here in its metadata.")
    Path ship;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (policy == null && task == null) {
            out.println("shipped behaviour policies: " + String.join(", ", BehaviourPolicies.available()));
            out.flush();
            return 0;
        }
        if (policy == null && kind == null) throw new IllegalArgumentException("give --kind medium|expert with --task, or --policy FILE");
        BehaviourPolicies.Loaded p = policy != null ? BehaviourPolicies.read(policy) : BehaviourPolicies.get(task, kind);
        Tasks.Info info = Tasks.info(p.task());
        try (Env env = Tasks.make(p.task())) {
            if (ship != null) {
                if (policy == null || kind == null) throw new IllegalArgumentException("--ship needs --policy FILE and --kind medium|expert");
                BehaviourShipCommand.ship(policy, kind, episodes, seed, ship, out);
                return 0;
            }
            Rollouts.Stats s = Rollouts.evaluate(env, stochastic ? p.stochastic() : p.deterministic(), episodes, seed);
            out.printf(Locale.ROOT, "%s %s (%s, step %s, hidden %s): return %.2f ± %.2f over %d episodes (seed %d), "
                            + "normalised %.1f (R_random %.2f, R_expert %.2f)%n",
                    p.task(), p.kind(), stochastic ? "stochastic" : "deterministic", p.meta().get("step"), p.meta().get("hidden"),
                    s.mean(), s.std(), s.episodes(), seed, info.normalizedScore(s.mean()), info.randomReturn(), info.expertReturn());
        }
        out.flush();
        return 0;
    }
}

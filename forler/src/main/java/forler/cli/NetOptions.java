package forler.cli;

import forler.fed.FedSimulation;
import picocli.CommandLine.Option;

/** Network and minibatch flags shared by {@code forler run}, {@code experiment} and {@code train}. */
public final class NetOptions {
    @Option(names = "--hidden", defaultValue = "256", description = "Hidden width. Default: ${DEFAULT-VALUE}.")
    int hidden;
    @Option(names = "--depth", description = "Hidden layers (default: 2 for pure-Java tasks, 3 for MuJoCo tasks).")
    Integer depth;
    @Option(names = "--batch", defaultValue = "256", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    /** Refuses zero sizes (one line naming the flag); the task must be known. */
    void check(String task) {
        Checks.atLeast("--hidden", hidden, 1);
        Checks.atLeast("--depth", depth(task), 1);
        Checks.atLeast("--batch", batch, 1);
    }

    /** --depth, or the task's default (docs/design.md §Networks and defaults). */
    int depth(String task) { return depth != null ? depth : FedSimulation.defaultDepth(task); }
}

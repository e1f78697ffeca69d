package forler.fed;

import forler.engine.Tensor;
import forler.io.StateDict;
import forler.rl.QEnsemble;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * A federated offline RL method under the common harness ({@link FedSimulation}): FORLER and the baselines.
 * One round = broadcast → local training on every device (in parallel) → upload → server aggregation.
 */
public interface FedMethod {
    /** The CLI name: forler, fedcql, fedtd3bc, fedora, cql. */
    String name();

    int devices();

    /** Runs round r; local training of the devices is submitted to {@code pool}. Returns logged means. */
    Map<String, Double> round(int r, ExecutorService pool) throws Exception;

    /** The global policy's deterministic action(s), unit box: obs [B, S] → [B, A]. */
    Tensor actGlobal(Tensor obs);

    /** Device k's local policy after its latest local training. */
    Tensor actLocal(int k, Tensor obs);

    /**
     * The critic that judges the global policy ({@code k = -1}: the server's, or the average the devices receive) or
     * device k's local policy; for looking inside a run ({@code forler inspect}), never trained through this.
     */
    QEnsemble critic(int k);

    /** Everything needed to resume after the last completed round. */
    StateDict state();

    void load(StateDict state);
}

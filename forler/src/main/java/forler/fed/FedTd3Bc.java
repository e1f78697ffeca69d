package forler.fed;

import forler.engine.nn.Modules;
import forler.rl.QEnsemble;
import forler.rl.Td3Bc;
import forler.rl.Transitions;
import java.util.List;

/**
 * Fed-TD3BC: every device runs {@link Td3Bc} locally for Γ steps; the server FedAvgs the actor, the critic and
 * both targets weighted by p_k = |D_k| / |D| and sends the average back. Optimiser moments and the step counter
 * (the policy delay's phase) stay on each device, as in a FedAvg over models. Observations are normalised
 * by {@link FedSimulation}'s common rule ({@link ObsNorm}: TD3+BC's state normalisation; by default every network
 * reads states normalised by D_o's statistics, as every other method's).
 */
public final class FedTd3Bc extends FedAvgMethod<Td3Bc> {
    public FedTd3Bc(List<Transitions> data, Td3Bc.Config cfg, int localSteps, int batch, long seed) {
        this(data, cfg, localSteps, batch, seed, Uploads.HONEST);
    }

    /** @param uploads the adversary's poisoning of the critics and the server's outlier check ({@link Uploads}) */
    public FedTd3Bc(List<Transitions> data, Td3Bc.Config cfg, int localSteps, int batch, long seed, Uploads uploads) {
        super("fedtd3bc", data, (obs, act, s) -> new Td3Bc(obs, act, cfg, s), localSteps, batch, seed, uploads);
    }

    @Override
    QEnsemble critic(Td3Bc d) { return d.critic; }

    @Override
    void aggregate() {
        average(d -> d.actor);
        average(d -> d.actorTarget);
        averageCritic(d -> d.critic);
        averageCritic(d -> d.criticTarget);
    }

    @Override
    void broadcastTo(Td3Bc d) {
        Modules.copy(global.actor, d.actor);
        Modules.copy(global.actorTarget, d.actorTarget);
        Modules.copy(global.critic, d.critic);
        Modules.copy(global.criticTarget, d.criticTarget);
    }
}

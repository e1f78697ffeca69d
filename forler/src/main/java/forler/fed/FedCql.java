package forler.fed;

import forler.engine.nn.Modules;
import forler.rl.Cql;
import forler.rl.QEnsemble;
import forler.rl.Transitions;
import java.util.List;
import java.util.Map;

/**
 * Fed-CQL: every device runs {@link Cql} locally for Γ steps; the server FedAvgs actor, critic, critic target
 * and log α weighted by |D_k| and sends the average back at the start of the next round. With one device, all
 * data and K·Γ steps per round it is centralized CQL (the paper's upper reference, {@code --algo cql}).
 */
public final class FedCql extends FedAvgMethod<Cql> {
    public FedCql(String name, List<Transitions> data, Cql.Config cfg, int localSteps, int batch, long seed) {
        this(name, data, cfg, localSteps, batch, seed, Uploads.HONEST);
    }

    /** @param uploads the adversary's poisoning of the critics and the server's outlier check ({@link Uploads}) */
    public FedCql(String name, List<Transitions> data, Cql.Config cfg, int localSteps, int batch, long seed, Uploads uploads) {
        super(name, data, (obs, act, s) -> new Cql(obs, act, cfg, s), localSteps, batch, seed, uploads);
    }

    @Override
    QEnsemble critic(Cql c) { return c.critic.q; }

    @Override
    void aggregate() {
        average(c -> c.actor);
        averageCritic(c -> c.critic.q);
        averageCritic(c -> c.critic.target);
        average(c -> () -> Map.of("v", c.logAlpha));
    }

    @Override
    void broadcastTo(Cql d) {
        Modules.copy(global.actor, d.actor);
        Modules.copy(global.critic.q, d.critic.q);
        Modules.copy(global.critic.target, d.critic.target);
        d.logAlpha.data[0] = global.logAlpha.data[0];
    }
}

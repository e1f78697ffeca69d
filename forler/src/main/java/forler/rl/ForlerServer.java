package forler.rl;

import forler.engine.nn.TanhGaussianActor;
import forler.io.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FORLER's server (paper §III-C, Eqs. 6–7, Algorithm 2 lines 16–19): the K uploaded 2-head critics become one
 * 2K-head ensemble, trained with π_o for G steps on the server's data D_o by {@link SacN} with the conservative
 * term ω_s; then it broadcasts π_o and a 2-head critic per device.
 *
 * <p>Broadcast: {@link Broadcast#AVERAGE} (default) averages the K pairs parameter-wise back to one pair for
 * every device; {@link Broadcast#OWN} returns each device its own updated pair. The stacked critic's Adam
 * restarts every round (the stack is new); π_o, β and their optimisers persist across rounds.
 */
public final class ForlerServer {
    /** How critics go back to the devices. */
    public enum Broadcast { AVERAGE, OWN }

    /** What every device receives: π_o, and a critic and target per device. */
    public record Message(TanhGaussianActor policy, List<QEnsemble> critics, List<QEnsemble> targets) {}

    public final SacN learner;
    private final Transitions data;
    private final Broadcast broadcast;
    private final int batch;

    /** @param cfg SAC-N settings with heads = 2K and ω_s */
    public ForlerServer(Transitions data, SacN.Config cfg, Broadcast broadcast, int batch, long seed) {
        this.data = data;
        this.broadcast = broadcast;
        this.batch = batch;
        learner = new SacN(data.obsDim(), data.actDim(), cfg, seed);
    }

    public Broadcast broadcastMode() { return broadcast; }

    /**
     * The initial message (Algorithm 2 line 1): π_o⁰ and Q_o⁰'s first pair for every device under
     * {@link Broadcast#AVERAGE}, so that the pairs averaged after each round all started from the same weights
     * (averaging independently initialised networks parameter-wise would destroy them, as FedAvg's shared start
     * avoids); under {@link Broadcast#OWN} each device gets its own pair of Q_o⁰.
     */
    public Message initial(int devices) {
        if (broadcast == Broadcast.OWN) return message(devices, Broadcast.OWN);
        List<QEnsemble> q = new ArrayList<>(), t = new ArrayList<>();
        QEnsemble q0 = learner.critic.heads(0, 2), t0 = learner.target.heads(0, 2);
        for (int k = 0; k < devices; k++) {
            q.add(q0);
            t.add(t0);
        }
        return new Message(learner.actor, q, t);
    }

    /** Eqs. 6–7 for G steps on the stacked critics, then the broadcast. */
    public Map<String, Double> aggregate(List<QEnsemble> critics, List<QEnsemble> targets, int steps) {
        learner.replaceCritic(QEnsemble.stack(critics), QEnsemble.stack(targets)); // Algorithm 2 line 16: 2K heads
        return learner.train(data, steps, batch);                                   // lines 17–18: Eqs. 6 and 7, G steps
    }

    /** The broadcast after {@link #aggregate} (Algorithm 2 line 19). */
    public Message message(int devices) { return message(devices, broadcast); }

    private Message message(int devices, Broadcast mode) {
        List<QEnsemble> q = new ArrayList<>(), t = new ArrayList<>();
        QEnsemble avgQ = null, avgT = null;
        if (mode == Broadcast.AVERAGE) {
            avgQ = learner.critic.averageGroups(2);
            avgT = learner.target.averageGroups(2);
        }
        for (int k = 0; k < devices; k++) {
            q.add(avgQ != null ? avgQ : learner.critic.heads(2 * k, 2));
            t.add(avgT != null ? avgT : learner.target.heads(2 * k, 2));
        }
        return new Message(learner.actor, q, t);
    }

    /** Server state for checkpoints (π_o, β, critics, optimisers, RNGs). */
    public StateDict state() { return learner.state(); }

    public void load(StateDict d) { learner.load(d); }
}

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
 * <p>Broadcast (the paper says only that the server sends the critics back): {@link Broadcast#AVERAGE} (default)
 * averages the K pairs parameter-wise back to one pair for every device; {@link Broadcast#OWN} returns each device
 * its own updated pair; {@link Broadcast#MIX} gives device k the mean of its own pair and the average pair,
 * keeping half of what sets its pair apart. With the average, the 2K heads the server stacks next round are K
 * near-copies of one pair (they differ by one round of local training); own and mix keep them apart, so the
 * min over 2K heads is a min over more distinct critics. Measured (hopper, the paper's budget, D_o = 5000, 3 seeds,
 * docs/results.md): own leaves π_o's level where the average has it (60.6 against 56.6 over rounds 300–999) and
 * steadies it (mean change between evaluations 9.8 against 14.5), so the average, the paper's one Q_o for all,
 * stays the default. The stacked critic's Adam restarts every round (the stack is new); π_o, β and their
 * optimisers persist across rounds.
 */
public final class ForlerServer {
    /** How critics go back to the devices. */
    public enum Broadcast {
        AVERAGE, OWN, MIX;

        /** The flag's spelling: average, own, mix. */
        public String flag() { return name().toLowerCase(java.util.Locale.ROOT); }

        /** Parses {@code --broadcast}. */
        public static Broadcast parse(String flag) {
            for (Broadcast b : values()) if (b.flag().equals(flag)) return b;
            throw new IllegalArgumentException("--broadcast must be average, own or mix, got '" + flag + "'");
        }
    }

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
     * {@link Broadcast#AVERAGE} and {@link Broadcast#MIX}, so that the pairs averaged after each round all started from the same weights
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
        if (mode != Broadcast.OWN) {
            avgQ = learner.critic.averageGroups(2);
            avgT = learner.target.averageGroups(2);
        }
        for (int k = 0; k < devices; k++) {
            q.add(pair(mode, learner.critic, k, avgQ));
            t.add(pair(mode, learner.target, k, avgT));
        }
        return new Message(learner.actor, q, t);
    }

    /** Device k's pair: the average, its own heads 2k, 2k+1, or (mix) their parameter-wise mean. */
    private static QEnsemble pair(Broadcast mode, QEnsemble stacked, int k, QEnsemble average) {
        return switch (mode) {
            case AVERAGE -> average;
            case OWN -> stacked.heads(2 * k, 2);
            case MIX -> QEnsemble.stack(List.of(stacked.heads(2 * k, 2), average)).averageGroups(2);
        };
    }

    /** Server state for checkpoints (π_o, β, critics, optimisers, RNGs). */
    public StateDict state() { return learner.state(); }

    public void load(StateDict d) { learner.load(d); }
}

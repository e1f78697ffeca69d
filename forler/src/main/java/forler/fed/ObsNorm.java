package forler.fed;

import forler.data.Dataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The harness's state normalisation rule, the same for every method ({@code --obs-norm}): states become
 * (s − μ) / σ per dimension (TD3+BC's normalisation, σ floored), with μ, σ taken from
 * <ul>
 *   <li>{@link #OWN}: each device's own data D_k for that device's networks and its local policy; the
 *       server's D_o for the server's networks and the global policy (FORLER's π_o is trained on D_o; the FedAvg
 *       baselines' averaged policy is evaluated with D_o's statistics). Centralized CQL's one learner is device and
 *       server at once: its own data, all devices' pooled, normalises both. No statistic leaves a device.</li>
 *   <li>{@link #SERVER} (default): the server's D_o for every network, devices' included: one input frame for the averaged and
 *       stacked networks, and no statistic leaves a device (D_o is the server's; centralized CQL, which has no D_o,
 *       uses its pooled data).</li>
 *   <li>{@link #POOLED}: every device's data pooled, for every network (what Fed-TD3BC and FEDORA used before the
 *       rule was common; it needs the devices' statistics in one place).</li>
 *   <li>{@link #NONE}: raw states (what FORLER, Fed-CQL and centralized CQL used before).</li>
 * </ul>
 * Why {@link #SERVER}: FedAvg averages the devices' networks parameter by parameter and FORLER's server stacks the
 * devices' critics and evaluates them on D_o's states, which only makes sense when every network reads states in one
 * frame. Measured ({@code forler experiment norm}, pendulum, 3 devices, 10 rounds × 100 local steps, hidden 64, 3 seeds,
 * last-3 global score): FORLER none 32.4, server 32.9, pooled 9.0, own 6.1; Fed-CQL 1.8, 2.9, 3.3, 6.4 (spread
 * ±9 over seeds); the good devices' local score under server 26.4 against 10.1 without normalisation. Results in
 * results/ablations/norm.
 */
public enum ObsNorm {
    OWN, SERVER, POOLED, NONE;

    /** Statistics for each learner's data and for the global policy's states; null entries leave states raw. */
    public record Stats(List<Dataset.ObsStats> learners, Dataset.ObsStats global) {}

    /**
     * @param learners each learner's data in task units (the devices', or centralized CQL's one pooled set)
     * @param server   D_o in task units, or null when the global policy is learner 0's (centralized CQL)
     */
    public Stats stats(List<Dataset> learners, Dataset server) {
        switch (this) {
            case NONE:
                return new Stats(Collections.nCopies(learners.size(), null), null);
            case SERVER: {
                Dataset.ObsStats o = server == null ? Dataset.concat(learners).obsStats() : server.obsStats();
                return new Stats(Collections.nCopies(learners.size(), o), o);
            }
            case POOLED: {
                Dataset.ObsStats all = Dataset.concat(learners).obsStats();
                return new Stats(Collections.nCopies(learners.size(), all), all);
            }
            default: {
                List<Dataset.ObsStats> own = new ArrayList<>();
                for (Dataset d : learners) own.add(d.obsStats());
                return new Stats(own, server == null ? own.get(0) : server.obsStats());
            }
        }
    }

    /**
     * One device's statistics under this rule, {@link #stats}'s for a federated method, when the device holds its own
     * data and has been told D_o's statistics (the networked device, {@code forler.net}).
     *
     * @param own    the device's data in task units
     * @param server D_o's statistics (null under {@link #NONE})
     * @throws IllegalArgumentException for {@link #POOLED}, which needs every device's data in one place
     */
    public Dataset.ObsStats device(Dataset own, Dataset.ObsStats server) {
        switch (this) {
            case NONE: return null;
            case SERVER: return server;
            case OWN: return own.obsStats();
            default: throw new IllegalArgumentException(POOLED_APART);
        }
    }

    /** Why {@link #POOLED} cannot be used by devices that keep their data apart. */
    public static final String POOLED_APART = "--obs-norm pooled needs every device's data in one place, and over the network no device's "
            + "data or statistic leaves it: give server (the default), own or none";

    /** The flag's spelling: own, server, pooled, none. */
    public String flag() { return name().toLowerCase(Locale.ROOT); }

    /** Parses {@code --obs-norm}. */
    public static ObsNorm parse(String flag) {
        for (ObsNorm n : values()) if (n.flag().equals(flag)) return n;
        throw new IllegalArgumentException("--obs-norm must be own, server, pooled or none, got '" + flag + "'");
    }

    /**
     * The rule a checkpoint made before {@code --obs-norm} was recorded used: pooled statistics for Fed-TD3BC and
     * FEDORA, none for the others.
     */
    public static ObsNorm former(String algo) { return algo.equals("fedtd3bc") || algo.equals("fedora") ? POOLED : NONE; }
}

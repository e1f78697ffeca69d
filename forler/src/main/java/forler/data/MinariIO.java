package forler.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes {@link Dataset}s as HDF5 files in Minari's layout (the maintained successor of D4RL; Minari's
 * "Dataset Standards": {@code data/main_data.hdf5}), one group per episode, through jhdf:
 * <pre>
 *   episode_{id}/                        attributes id (int64), total_steps (int64) = T
 *     observations   float32 [T + 1, obs]  the reset observation, then one per step: one longer than actions
 *     actions        float32 [T, act]
 *     rewards        float32 [T]
 *     terminations   bool    [T]
 *     truncations    bool    [T]
 *     infos/                              (optional in Minari; ignored when read, not written: see below)
 *   root attributes total_episodes (int64), total_steps (int64) = N, and the caller's string attributes
 * </pre>
 * As flat transitions: {@code obs = observations[:-1]}, {@code next_obs = observations[1:]},
 * {@code terminal = terminations}, {@code timeout = truncations}; episodes in the order of their id (numeric, so
 * {@code episode_10} follows {@code episode_9}).
 *
 * <p>Reading accepts what {@link D4rlIO} accepts per array (float64 narrowed, rewards [T, 1], bools as h5py's enum,
 * a bitfield or integers). Not supported, with an error that says so: Dict or Tuple observation/action spaces
 * (stored by Minari as groups). An episode whose last step is neither terminated nor truncated (Minari never writes
 * one) has that step marked a timeout, so that it does not run into the next episode; a warning says how many.
 *
 * <p>Writing splits the flat dataset into whole episodes (a terminal or timeout row ends one). Minari stores a step's
 * next observation only as the following step's observation, so inside an episode {@code next_obs[i]} must equal
 * {@code obs[i + 1]} bit for bit (true of every collected dataset; an error names the row otherwise). A trailing
 * episode that was cut without a timeout flag is written as truncated at its last step; a warning says so.
 * Booleans are stored as jhdf's 8-bit bitfield, which h5py (and so Minari) reads as {@code uint8} 0/1. No
 * {@code infos} is written: Minari's reader treats it as optional, and jhdf 0.13.0 cannot read back a file in which
 * an empty group sits inside an episode group that another episode group follows.
 */
public final class MinariIO {
    private static final System.Logger LOG = System.getLogger(MinariIO.class.getName());

    public static final String EPISODE_PREFIX = "episode_", OBSERVATIONS = "observations", ACTIONS = "actions",
            REWARDS = "rewards", TERMINATIONS = "terminations", TRUNCATIONS = "truncations";
    private static final Pattern EPISODE = Pattern.compile(Pattern.quote(EPISODE_PREFIX) + "(\\d+)");

    private MinariIO() {}

    /** True if {@code root} holds at least one {@code episode_{id}} group: Minari's layout, not D4RL's. */
    public static boolean isMinari(Group root) {
        for (Node c : root.getChildren().values())
            if (c.isGroup() && EPISODE.matcher(c.getName()).matches()) return true;
        return false;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes {@code data} to {@code path} atomically, one {@code episode_{e}} group per episode, e = 0, 1, ...
     * {@code attrs} become string attributes of the root group (e.g. task, kind, seed, dataset_id).
     *
     * @throws IllegalArgumentException if {@code data} is empty, or a row's next observation is not the next row's
     *                                  observation inside an episode (Minari cannot store that)
     */
    public static void write(Path path, Dataset data, Map<String, String> attrs) throws IOException {
        int n = data.size(), obsDim = data.obsDim(), actDim = data.actDim();
        if (n == 0) throw new IllegalArgumentException("MinariIO.write: refusing to write an empty dataset to " + path);
        float[] obs = data.observations(), next = data.nextObservations();
        for (int i = 0; i + 1 < n; i++)
            if (!data.endsEpisode(i) && !Arrays.equals(next, i * obsDim, (i + 1) * obsDim, obs, (i + 1) * obsDim, (i + 2) * obsDim))
                throw new IllegalArgumentException("MinariIO.write " + path + ": row " + i + "'s next observation differs from row "
                        + (i + 1) + "'s observation in the same episode; Minari stores one observation sequence per episode "
                        + "and cannot hold it (write this dataset in D4RL's layout instead)");
        int[] starts = data.episodeStarts(); // [E + 1]
        boolean cutLast = !data.terminals()[n - 1] && !data.timeouts()[n - 1];
        if (cutLast)
            LOG.log(System.Logger.Level.WARNING, "{0}: the last episode ({1} steps) ends without a terminal or timeout flag; "
                    + "written as truncated at its last step", path, n - starts[starts.length - 2]);
        D4rlIO.writeAtomically(path, "MinariIO.write", f -> {
            for (int e = 0; e + 1 < starts.length; e++) {
                int s = starts[e], t = starts[e + 1] - s;
                float[][] o = new float[t + 1][]; // [T + 1][obs]
                for (int k = 0; k < t; k++) o[k] = Arrays.copyOfRange(obs, (s + k) * obsDim, (s + k + 1) * obsDim);
                o[t] = Arrays.copyOfRange(next, (s + t - 1) * obsDim, (s + t) * obsDim);
                boolean[] trunc = Arrays.copyOfRange(data.timeouts(), s, s + t); // [T]
                if (cutLast && e + 2 == starts.length) trunc[t - 1] = true;
                WritableGroup g = f.putGroup(EPISODE_PREFIX + e);
                g.putDataset(OBSERVATIONS, o);
                g.putDataset(ACTIONS, D4rlIO.rows(data.actions(), s, t, actDim));
                g.putDataset(REWARDS, Arrays.copyOfRange(data.rewards(), s, s + t));
                g.putDataset(TERMINATIONS, Arrays.copyOfRange(data.terminals(), s, s + t));
                g.putDataset(TRUNCATIONS, trunc);
                g.putAttribute("id", (long) e);
                g.putAttribute("total_steps", (long) t);
            }
            f.putAttribute("total_episodes", (long) (starts.length - 1));
            f.putAttribute("total_steps", (long) n);
            for (var a : new TreeMap<>(attrs).entrySet()) f.putAttribute(a.getKey(), a.getValue());
        });
    }

    // ----------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads every episode of a Minari file, in the order of the episode ids, as one flat dataset.
     *
     * @throws NoSuchFileException     if {@code path} does not exist
     * @throws InvalidDatasetException naming the file and the key ({@code episode_3/actions}): not HDF5, no episode
     *                                 groups, missing key, wrong shape, dimensions that differ between episodes,
     *                                 non-finite value
     */
    public static Dataset read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such dataset file");
        try (HdfFile f = D4rlIO.open(path)) {
            TreeMap<Long, Group> episodes = new TreeMap<>();
            for (Node c : f.getChildren().values()) {
                Matcher m = EPISODE.matcher(c.getName());
                if (c.isGroup() && m.matches()) episodes.put(Long.parseLong(m.group(1)), (Group) c);
            }
            if (episodes.isEmpty())
                throw new InvalidDatasetException(path, "no episode_{id} groups (Minari layout); found " + f.getChildren().keySet());
            Dataset.Builder b = null;
            int obsDim = -1, actDim = -1, open = 0;
            for (Group g : episodes.values()) {
                for (String key : new String[] {OBSERVATIONS, ACTIONS, REWARDS, TERMINATIONS, TRUNCATIONS}) {
                    Node c = g.getChild(key);
                    if (c == null)
                        throw new InvalidDatasetException(path, "missing key '" + D4rlIO.keyName(g, key) + "' (a Minari episode "
                                + "needs observations, actions, rewards, terminations, truncations; found " + g.getChildren().keySet() + ")");
                    if (c.isGroup())
                        throw new InvalidDatasetException(path, "key '" + D4rlIO.keyName(g, key) + "' is a group (a Dict or "
                                + "Tuple space); only Box observations and actions, stored as one array, are supported");
                }
                D4rlIO.Array2 act = D4rlIO.floats(g, path, ACTIONS, 2);          // [T, act]
                int t = act.rows();
                D4rlIO.Array2 obs = D4rlIO.floats(g, path, OBSERVATIONS, 2);     // [T + 1, obs]
                D4rlIO.expectRows(path, D4rlIO.keyName(g, OBSERVATIONS), obs, t + 1,
                        "an episode of " + t + " steps ('actions' has " + t + " rows) has " + (t + 1) + " observations");
                D4rlIO.Array2 rew = D4rlIO.floats(g, path, REWARDS, 1);          // [T] or [T, 1]
                D4rlIO.expectRows(path, D4rlIO.keyName(g, REWARDS), rew, t, "'actions' has " + t + " rows");
                if (rew.cols() != 1) throw new InvalidDatasetException(path, "key '" + D4rlIO.keyName(g, REWARDS)
                        + "' has shape " + rew.shapeText() + ", expected [" + t + "] or [" + t + ", 1]");
                boolean[] term = D4rlIO.bools(g, path, TERMINATIONS, t);        // [T]
                boolean[] trunc = D4rlIO.bools(g, path, TRUNCATIONS, t);        // [T]
                if (b == null) {
                    obsDim = obs.cols();
                    actDim = act.cols();
                    if (obsDim == 0 || actDim == 0)
                        throw new InvalidDatasetException(path, "observations " + obs.shapeText() + " or actions "
                                + act.shapeText() + " of " + g.getName() + " have no columns");
                    b = new Dataset.Builder(obsDim, actDim, 1024);
                } else if (obs.cols() != obsDim || act.cols() != actDim) {
                    throw new InvalidDatasetException(path, g.getName() + " has observations " + obs.shapeText() + " and actions "
                            + act.shapeText() + ", but earlier episodes have " + obsDim + " and " + actDim + " columns");
                }
                float[] o = new float[obsDim], a = new float[actDim], no = new float[obsDim];
                for (int k = 0; k < t; k++) {
                    System.arraycopy(obs.values(), k * obsDim, o, 0, obsDim);
                    System.arraycopy(act.values(), k * actDim, a, 0, actDim);
                    System.arraycopy(obs.values(), (k + 1) * obsDim, no, 0, obsDim);
                    b.add(o, a, rew.values()[k], no, term[k], trunc[k]);
                }
                if (t > 0 && !term[t - 1] && !trunc[t - 1]) {
                    b.markLastTimeout();
                    open++;
                }
            }
            if (b.size() == 0) throw new InvalidDatasetException(path, episodes.size() + " episodes, all of 0 steps");
            if (open > 0)
                LOG.log(System.Logger.Level.WARNING, "{0}: {1} of {2} episodes end with neither a termination nor a truncation; "
                        + "their last step is read as a timeout", path, open, episodes.size());
            return b.build();
        } catch (RuntimeException e) {
            throw D4rlIO.unreadable(path, e);
        }
    }
}

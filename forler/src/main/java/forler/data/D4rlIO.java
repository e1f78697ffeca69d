package forler.data;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads and writes {@link Dataset}s as HDF5 files in D4RL's layout, through jhdf (pure Java, no libhdf5):
 * <pre>
 *   observations       float32 [N, obs]
 *   actions            float32 [N, act]
 *   rewards            float32 [N]
 *   next_observations  float32 [N, obs]
 *   terminals          bool    [N]
 *   timeouts           bool    [N]
 * </pre>
 * Reading also accepts real D4RL files: extra groups ({@code infos/}, {@code metadata/}) are ignored, float64
 * arrays are narrowed to float32, rewards of shape [N, 1] are flattened, and booleans may be stored as an HDF5
 * enum (h5py's bool), a bitfield (jhdf's bool) or any integer type (non-zero = true).
 *
 * <p>Old D4RL files without {@code next_observations}: it is derived as {@code observations[i+1]} within episodes;
 * rows whose successor was never observed (a timeout, or the last row, that is not terminal) are dropped, as
 * D4RL's own {@code qlearning_dataset} drops them; a warning says how many.
 *
 * <p>Writing stores booleans as jhdf's 8-bit bitfield (jhdf cannot write enums); h5py reads them back as integers.
 */
public final class D4rlIO {
    private static final System.Logger LOG = System.getLogger(D4rlIO.class.getName());

    public static final String OBSERVATIONS = "observations", ACTIONS = "actions", REWARDS = "rewards",
            NEXT_OBSERVATIONS = "next_observations", TERMINALS = "terminals", TIMEOUTS = "timeouts";

    private D4rlIO() {}

    // ----------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes {@code data} to {@code path} atomically: into a temp file beside it, then renamed over it.
     * {@code attrs} become string attributes of the root group (e.g. task, kind, seed).
     */
    public static void write(Path path, Dataset data, Map<String, String> attrs) throws IOException {
        write(path, data, attrs, 0);
    }

    /**
     * {@link #write(Path, Dataset, Map)} with every dataset chunked and deflate-compressed at {@code gzipLevel} (1–9; 0
     * writes them contiguous and uncompressed), as D4RL's own files are: shipped replay buffers of tasks with sparse
     * observations (ant's contact forces) shrink several-fold.
     */
    public static void write(Path path, Dataset data, Map<String, String> attrs, int gzipLevel) throws IOException {
        if (data.size() == 0)
            throw new IllegalArgumentException("D4rlIO.write: refusing to write an empty dataset to " + path);
        if (gzipLevel < 0 || gzipLevel > 9)
            throw new IllegalArgumentException("D4rlIO.write: gzip level must be 0 (none) to 9, got " + gzipLevel);
        int n = data.size();
        writeAtomically(path, "D4rlIO.write", f -> {
            f.putDataset(OBSERVATIONS, rows(data.observations(), 0, n, data.obsDim()), options(gzipLevel, n, data.obsDim()));
            f.putDataset(ACTIONS, rows(data.actions(), 0, n, data.actDim()), options(gzipLevel, n, data.actDim()));
            f.putDataset(REWARDS, data.rewards(), options(gzipLevel, n, 0));
            f.putDataset(NEXT_OBSERVATIONS, rows(data.nextObservations(), 0, n, data.obsDim()), options(gzipLevel, n, data.obsDim()));
            f.putDataset(TERMINALS, data.terminals(), options(gzipLevel, n, 0));
            f.putDataset(TIMEOUTS, data.timeouts(), options(gzipLevel, n, 0));
            for (var e : new TreeMap<>(attrs).entrySet()) f.putAttribute(e.getKey(), e.getValue());
        });
    }

    /** Contiguous (level 0) or chunks of at most 4096 rows, deflated at {@code level}; {@code cols} 0 for a vector. */
    private static DatasetCreationOptions options(int level, int rows, int cols) {
        if (level == 0) return DatasetCreationOptions.DEFAULT;
        int chunkRows = Math.min(rows, 4096);
        return DatasetCreationOptions.builder().chunkDimensions(cols == 0 ? new int[] {chunkRows} : new int[] {chunkRows, cols})
                .deflate(level).build();
    }

    /** Runs {@code body} on a temp file beside {@code path}, then renames it over {@code path}. */
    static void writeAtomically(Path path, String who, Consumer<WritableHdfFile> body) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, abs.getFileName() + ".", ".tmp");
        try {
            try (WritableHdfFile f = HdfFile.write(tmp)) {
                body.accept(f);
            } catch (RuntimeException e) {
                throw new IOException(who + ": jhdf failed writing " + tmp + ": " + e.getMessage(), e);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Rows [from, from + n) of a row-major [*, d] array as float[n][d], the shape jhdf infers the dataspace from. */
    static float[][] rows(float[] flat, int from, int n, int d) {
        float[][] out = new float[n][]; // [n][d]
        for (int i = 0; i < n; i++) out[i] = Arrays.copyOfRange(flat, (from + i) * d, (from + i + 1) * d);
        return out;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads a dataset from our files or D4RL's, validating every key.
     *
     * @throws NoSuchFileException    if {@code path} does not exist
     * @throws InvalidDatasetException naming the file and the key: not HDF5 or truncated, missing key, wrong
     *                                shape, non-finite value
     */
    public static Dataset read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such dataset file");
        try (HdfFile f = open(path)) {
            Array2 obs = floats(f, path, OBSERVATIONS, 2);
            int n = obs.rows, obsDim = obs.cols;
            Array2 act = floats(f, path, ACTIONS, 2);
            expectRows(path, ACTIONS, act, n);
            Array2 rew = floats(f, path, REWARDS, 1);
            expectRows(path, REWARDS, rew, n);
            if (rew.cols != 1) throw new InvalidDatasetException(path, "key 'rewards' has shape " + rew.shapeText()
                    + ", expected [" + n + "] or [" + n + ", 1]");
            boolean[] term = bools(f, path, TERMINALS, n);
            boolean[] timeout = bools(f, path, TIMEOUTS, n);
            if (obsDim == 0 || act.cols == 0)
                throw new InvalidDatasetException(path, "observations " + obs.shapeText() + " or actions "
                        + act.shapeText() + " have no columns");
            if (f.getChild(NEXT_OBSERVATIONS) == null) {
                return deriveNextObservations(path, obsDim, act.cols, obs.values, act.values, rew.values, term, timeout);
            }
            Array2 next = floats(f, path, NEXT_OBSERVATIONS, 2);
            expectRows(path, NEXT_OBSERVATIONS, next, n);
            if (next.cols != obsDim) throw new InvalidDatasetException(path, "key 'next_observations' has shape "
                    + next.shapeText() + ", expected " + obs.shapeText() + " like 'observations'");
            return new Dataset(obsDim, act.cols, obs.values, act.values, rew.values, next.values, term, timeout);
        } catch (RuntimeException e) {
            throw unreadable(path, e);
        }
    }

    /** String attributes of the root group (non-string attributes are skipped). */
    public static Map<String, String> readAttributes(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such dataset file");
        try (HdfFile f = open(path)) {
            Map<String, String> out = new TreeMap<>();
            for (Map.Entry<String, Attribute> e : f.getAttributes().entrySet()) {
                Object v = e.getValue().getData();
                if (v instanceof String s) out.put(e.getKey(), s);
                else if (v instanceof String[] a && a.length == 1) out.put(e.getKey(), a[0]);
            }
            return out;
        } catch (RuntimeException e) {
            throw unreadable(path, e);
        }
    }

    static HdfFile open(Path path) throws InvalidDatasetException {
        try {
            HdfFile f = new HdfFile(path);
            f.getChildren(); // forces the root group to load: a file cut short usually fails here
            return f;
        } catch (RuntimeException e) {
            throw unreadable(path, e);
        }
    }

    static InvalidDatasetException unreadable(Path path, RuntimeException e) {
        long size;
        try {
            size = java.nio.file.Files.size(path);
        } catch (java.io.IOException io) {
            size = -1;
        }
        if (size == 0) return new InvalidDatasetException(path, "is empty (0 bytes), not an HDF5 file", e);
        return new InvalidDatasetException(path, "is not a readable HDF5 file (truncated?): " + e, e);
    }

    /** A float array read from a key, with its leading dimension and the product of the others. */
    record Array2(float[] values, int rows, int cols, int[] dims) {
        String shapeText() { return Arrays.toString(dims); }
    }

    /** The key as messages name it: {@code actions} at the root, {@code episode_3/actions} inside a group. */
    static String keyName(Group g, String key) {
        String p = g.getPath();
        return (p.startsWith("/") ? p.substring(1) : p) + (p.isEmpty() || p.endsWith("/") ? "" : "/") + key;
    }

    private static io.jhdf.api.Dataset dataset(Group g, Path path, String key) throws InvalidDatasetException {
        Node node = g.getChild(key);
        if (node == null)
            throw new InvalidDatasetException(path, "missing key '" + keyName(g, key) + "' (D4RL layout needs observations, "
                    + "actions, rewards, next_observations, terminals, timeouts; found " + g.getChildren().keySet() + ")");
        if (!(node instanceof io.jhdf.api.Dataset ds))
            throw new InvalidDatasetException(path, "key '" + keyName(g, key) + "' is a " + node.getType() + ", expected a dataset");
        return ds;
    }

    /** Reads a numeric key of rank {@code rank} (rewards: rank 1, or [N, 1]) as float32, rejecting NaN and Inf. */
    static Array2 floats(Group g, Path path, String key, int rank) throws InvalidDatasetException {
        io.jhdf.api.Dataset ds = dataset(g, path, key);
        key = keyName(g, key);
        int[] dims = ds.getDimensions();
        boolean ok = dims.length == rank || (rank == 1 && dims.length == 2 && dims[1] == 1);
        if (!ok) throw new InvalidDatasetException(path, "key '" + key + "' has shape " + Arrays.toString(dims)
                + ", expected rank " + rank + (rank == 2 ? " [N, dim]" : " [N]"));
        int rows = dims[0], cols = dims.length == 2 ? dims[1] : 1;
        float[] v = toFloats(path, key, ds.getDataFlat());
        if (v.length != (long) rows * cols)
            throw new InvalidDatasetException(path, "key '" + key + "' holds " + v.length + " values for shape " + Arrays.toString(dims));
        for (int i = 0; i < v.length; i++)
            if (!Float.isFinite(v[i]))
                throw new InvalidDatasetException(path, "key '" + key + "' has a non-finite value (" + v[i] + ") at row "
                        + (i / cols) + (cols > 1 ? ", column " + (i % cols) : "") + "; clean or regenerate the file");
        return new Array2(v, rows, cols, dims);
    }

    private static float[] toFloats(Path path, String key, Object flat) throws InvalidDatasetException {
        if (flat instanceof float[] a) return a;
        int len = Array.getLength(flat);
        float[] out = new float[len];
        if (flat instanceof double[] a) for (int i = 0; i < len; i++) out[i] = (float) a[i];
        else if (flat instanceof byte[] a) for (int i = 0; i < len; i++) out[i] = a[i];
        else if (flat instanceof short[] a) for (int i = 0; i < len; i++) out[i] = a[i];
        else if (flat instanceof int[] a) for (int i = 0; i < len; i++) out[i] = a[i];
        else if (flat instanceof long[] a) for (int i = 0; i < len; i++) out[i] = a[i];
        else throw new InvalidDatasetException(path, "key '" + key + "' has element type "
                    + flat.getClass().getComponentType() + ", expected float32 or float64");
        return out;
    }

    /** Reads a boolean key of shape [n] from whichever encoding the writer used. */
    static boolean[] bools(Group g, Path path, String key, int n) throws InvalidDatasetException {
        io.jhdf.api.Dataset ds = dataset(g, path, key);
        key = keyName(g, key);
        int[] dims = ds.getDimensions();
        if (!(dims.length == 1 && dims[0] == n) && !(dims.length == 2 && dims[0] == n && dims[1] == 1))
            throw new InvalidDatasetException(path, "key '" + key + "' has shape " + Arrays.toString(dims)
                    + ", expected [" + n + "] (one flag per row of 'actions')");
        Object flat = ds.getDataFlat();
        if (flat instanceof boolean[] a) return a;
        boolean[] out = new boolean[n];
        if (flat instanceof String[] a) { // HDF5 enum (h5py's bool): member names FALSE / TRUE
            for (int i = 0; i < n; i++) {
                if (a[i].equalsIgnoreCase("TRUE")) out[i] = true;
                else if (!a[i].equalsIgnoreCase("FALSE"))
                    throw new InvalidDatasetException(path, "key '" + key + "' is an enum with member '" + a[i]
                            + "' at row " + i + ", expected FALSE/TRUE");
            }
            return out;
        }
        float[] v = toFloats(path, key, flat);
        for (int i = 0; i < n; i++) out[i] = v[i] != 0f;
        return out;
    }

    private static void expectRows(Path path, String key, Array2 a, int n) throws InvalidDatasetException {
        expectRows(path, key, a, n, "'observations' has " + n + " rows");
    }

    /** Fails unless {@code a} has {@code n} rows; {@code why} says where n comes from. */
    static void expectRows(Path path, String key, Array2 a, int n, String why) throws InvalidDatasetException {
        if (a.rows != n)
            throw new InvalidDatasetException(path, "key '" + key + "' has shape " + a.shapeText() + " with " + a.rows
                    + " rows, but " + why);
    }

    /** Builds next_observations from observations[i+1] within episodes; drops rows with no observed successor. */
    private static Dataset deriveNextObservations(Path path, int obsDim, int actDim, float[] obs, float[] act, float[] rew,
                                                  boolean[] term, boolean[] timeout) {
        int n = rew.length;
        Dataset.Builder b = new Dataset.Builder(obsDim, actDim, n);
        float[] o = new float[obsDim], a = new float[actDim], no = new float[obsDim];
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            boolean hasSuccessor = i + 1 < n && !timeout[i];
            if (!hasSuccessor && !term[i]) {
                dropped++;
                continue;
            }
            System.arraycopy(obs, i * obsDim, o, 0, obsDim);
            System.arraycopy(act, i * actDim, a, 0, actDim);
            // A terminal row's successor is never bootstrapped from; use the next row when there is one, as D4RL does.
            System.arraycopy(obs, (i + 1 < n ? i + 1 : i) * obsDim, no, 0, obsDim);
            b.add(o, a, rew[i], no, term[i], false);
            if (i + 1 < n && timeout[i + 1] && !term[i + 1]) b.markLastTimeout(); // next row dropped: episode ends here
        }
        Dataset d = b.build().withClosedLastEpisode();
        LOG.log(System.Logger.Level.WARNING, "{0}: no ''next_observations''; derived it from observations[i+1] within "
                + "episodes, dropped {1} of {2} rows whose successor was not recorded", path, dropped, n);
        return d;
    }
}

package forler.cli;

import forler.data.Dataset;
import forler.env.Env;
import forler.env.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Flag checks done before any work: each failure is one line naming the flag, the value and the range. */
final class Checks {
    private Checks() {}

    static void atLeast(String flag, long value, long min) {
        if (value < min) throw new IllegalArgumentException(flag + " must be >= " + min + ", got " + value);
    }

    /** A weight: finite and >= 0 (NaN, infinities and negative weights are refused). */
    static void weight(String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException(flag + " must be a finite number >= 0, got " + value);
    }

    /** A flag that was renamed: refused when given, with one line naming the flag to use. */
    static void renamed(String old, Object given, String use) {
        if (given != null) throw new IllegalArgumentException(old + " was renamed: " + use);
    }

    /** A {@code forler run} flag the networked commands do not carry: refused when given, with one line saying why. */
    static void runOnly(String flag, boolean given, String why) {
        if (given) throw new IllegalArgumentException(flag + " is a `forler run` setting that `forler server` does not support: " + why);
    }

    /**
     * Dataset kinds given to {@code flag}, each checked; a file given there instead is told to go to {@code fileFlag}
     * (the kinds flag of every command is --data or --server-data, the file flag --dataset-file or --server-file).
     */
    static void kinds(String flag, List<String> kinds, String fileFlag) {
        for (String k : kinds) {
            boolean file = k.endsWith(".hdf5") || k.endsWith(".h5") || k.contains("/") || k.contains(java.io.File.separator);
            if (file) {
                throw new IllegalArgumentException(flag + " takes dataset kinds (random, medium, expert, medium-replay, medium-expert), not a file "
                        + k + (fileFlag != null ? ": give a file with " + fileFlag : ": this command builds its datasets"));
            }
            try {
                forler.data.DatasetBuilder.Kind.parse(k);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage());
            }
        }
    }

    /** A dataset file and explicitly given kinds are refused together (which one would be meant?). */
    static void oneSource(picocli.CommandLine.Model.CommandSpec spec, String kindsFlag, Object file, String fileFlag) {
        if (file != null && spec != null && spec.commandLine().getParseResult().hasMatchedOption(kindsFlag)) {
            throw new IllegalArgumentException("give " + kindsFlag + " (dataset kinds to build) or " + fileFlag + " (a file), not both");
        }
    }

    /** --cache: a folder, or a path where one can be made. */
    static void folder(String flag, Path p) {
        if (p != null && Files.exists(p) && !Files.isDirectory(p)) {
            throw new IllegalArgumentException(flag + " " + p + " is a file, not a folder: give a folder (it is created when missing)");
        }
    }

    /** An input file that must exist. */
    static void file(String flag, Path p) {
        if (p != null && !Files.isRegularFile(p)) throw new IllegalArgumentException(flag + ": no file " + p.toAbsolutePath());
    }

    /**
     * Refuses sizes that cannot fit in the Java heap, estimated from below before anything is allocated: every
     * network has at least (depth − 1)·hidden² weights, kept 4 times (weights, gradients, Adam's two moments), and a
     * dataset holds about 2·obs + act + 2 floats per transition.
     */
    static void fitsInMemory(String task, int hidden, int depth, int networks, long transitions) {
        Tasks.Info t = Tasks.info(task);
        long max = Runtime.getRuntime().maxMemory();
        double nets = 4.0 * 4 * networks * ((double) Math.max(1, depth - 1) * hidden * hidden + (double) hidden * (t.obsDim() + t.actDim()));
        double data = 4.0 * transitions * (2L * t.obsDim() + t.actDim() + 2);
        if (nets > 0.8 * max) {
            throw new IllegalArgumentException(String.format("--hidden %d (× --depth %d) needs at least %s for the networks but Java may use %s: "
                    + "lower --hidden, or give Java more with FORLER_JAVA_OPTS=-Xmx<size>", hidden, depth, size(nets), size(max)));
        }
        if (data > 0.8 * max) {
            throw new IllegalArgumentException(String.format("--size: %d transitions need at least %s but Java may use %s: "
                    + "lower --size (or --server-size, --devices), or give Java more with FORLER_JAVA_OPTS=-Xmx<size>", transitions, size(data), size(max)));
        }
    }

    /** {@code run}: the kinds are cycled over the devices, so more kinds than devices would give D_o kinds no device has. */
    static void kindsFitDevices(List<String> kinds, int devices) {
        if (kinds.size() > devices) {
            throw new IllegalArgumentException("--data gives " + kinds.size() + " kinds (" + String.join(",", kinds) + ") but --devices is "
                    + devices + ": give at most " + devices + " kinds (device k gets kind k mod their number), or more --devices");
        }
    }

    /**
     * A dataset file for {@code task}: its dimensions must be the task's, and its actions inside the task's bounds
     * (a file in another unit would otherwise be clipped silently into nonsense); with {@code clip} such actions are
     * only counted in a warning on {@code warn}, and the learners clip them.
     */
    static Dataset taskData(String flag, Path file, Dataset d, String task, boolean clip, java.io.PrintStream warn) {
        try (Env env = Tasks.make(task)) {
            if (d.obsDim() != env.obsDim() || d.actDim() != env.actDim()) {
                throw new IllegalArgumentException(flag + " " + file + ": observations/actions have " + d.obsDim() + "/" + d.actDim()
                        + " dimensions but task " + task + " has " + env.obsDim() + "/" + env.actDim() + ": give a dataset of that task");
            }
            float[] low = env.actLow(), high = env.actHigh(), a = d.actions(); // a: [N, A]
            long outside = 0;
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < a.length; i++) {
                int j = i % low.length;
                float tol = 1e-5f * Math.max(1f, high[j] - low[j]);
                if (a[i] < low[j] - tol || a[i] > high[j] + tol) outside++;
                min = Math.min(min, a[i]);
                max = Math.max(max, a[i]);
            }
            if (outside == 0) return d;
            String what = String.format(java.util.Locale.ROOT, "%s %s: %d of %d action values lie outside task %s's bounds %s..%s (the file's range is %g..%g)",
                    flag, file, outside, a.length, task, java.util.Arrays.toString(low), java.util.Arrays.toString(high), min, max);
            if (!clip) throw new IllegalArgumentException(what + ": rescale the actions, or add --clip-actions to clip them");
            warn.println("warning: " + what + "; clipped to the bounds (--clip-actions)");
            return d;
        }
    }

    private static String size(double bytes) {
        return bytes >= 1L << 30 ? String.format("%.1f GiB", bytes / (1L << 30)) : String.format("%.0f MiB", bytes / (1L << 20));
    }
}

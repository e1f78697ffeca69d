package forler.data;

import io.jhdf.HdfFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A dataset file in either layout, told apart by its structure, not its name: {@code observations} at the root is
 * D4RL's ({@link D4rlIO}), {@code episode_{id}} groups are Minari's ({@link MinariIO}). Every place that accepts a
 * dataset file ({@code train --dataset-file}, {@code device --dataset-file}, {@code server --server-file}) reads it through here.
 */
public final class DatasetFile {
    /** The two layouts; {@link #parse} takes their lower-case names, as the {@code --format} flag does. */
    public enum Format {
        D4RL, MINARI;

        public String id() { return name().toLowerCase(Locale.ROOT); }

        public static Format parse(String s) {
            for (Format f : values()) if (f.id().equals(s.toLowerCase(Locale.ROOT))) return f;
            throw new IllegalArgumentException("unknown dataset format '" + s + "', expected d4rl or minari");
        }
    }

    private DatasetFile() {}

    /**
     * The layout of {@code path}.
     *
     * @throws InvalidDatasetException naming the file when it is not HDF5, or neither layout
     */
    public static Format detect(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such dataset file");
        try (HdfFile f = D4rlIO.open(path)) {
            if (f.getChild(D4rlIO.OBSERVATIONS) != null) return Format.D4RL;
            if (MinariIO.isMinari(f)) return Format.MINARI;
            throw new InvalidDatasetException(path, "neither D4RL's layout ('observations', 'actions', ... at the root) "
                    + "nor Minari's ('episode_{id}' groups); found " + f.getChildren().keySet());
        } catch (RuntimeException e) {
            throw D4rlIO.unreadable(path, e);
        }
    }

    /** Reads {@code path} in whichever layout it has. */
    public static Dataset read(Path path) throws IOException {
        return switch (detect(path)) {
            case D4RL -> D4rlIO.read(path);
            case MINARI -> MinariIO.read(path);
        };
    }

    /** Writes {@code data} to {@code path} in {@code format}, atomically. */
    public static void write(Path path, Dataset data, Map<String, String> attrs, Format format) throws IOException {
        switch (format) {
            case D4RL -> D4rlIO.write(path, data, attrs);
            case MINARI -> MinariIO.write(path, data, attrs);
        }
    }
}

package forler.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A run's output folder, held for the length of the run: it refuses a folder that already holds a run unless the
 * run is resumed or overwritten, locks {@code .lock} so a second writer is refused (the OS drops the lock when a
 * process dies, so a crash leaves nothing to clean up), removes the temp files a killed writer left, and on close
 * removes the folder again when it made it and nothing was written.
 */
public final class RunDir implements AutoCloseable {
    public static final String LOCK = ".lock";

    private final Path dir;
    private final boolean created;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDir(Path dir, boolean created, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.created = created;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Opens {@code dir} for a run whose files are {@code runFiles} (the first one marks a run).
     *
     * @param resume    continue the run there
     * @param overwrite replace the run there (its {@code runFiles} are deleted)
     */
    public static RunDir open(Path dir, List<String> runFiles, boolean resume, boolean overwrite) throws IOException {
        if (resume && overwrite) throw new IllegalArgumentException("give --resume (continue the run in --out) or --overwrite (replace it), not both");
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + dir + " is a file: give a folder");
        boolean holdsRun = runFiles.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
        if (holdsRun && !resume && !overwrite) {
            throw new IllegalStateException("--out " + dir + " already holds a run: add --resume to continue it (same settings), "
                    + "--overwrite to replace it, or choose another --out");
        }
        boolean created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("--out " + dir + ": cannot create the folder (" + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName())
                    + "): choose a folder you can write, e.g. under runs/", e);
        }
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) { // held by this process
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IllegalStateException("--out " + dir + " is in use by another run (" + dir.resolve(LOCK)
                    + " is locked): wait for it to finish, or choose another --out");
        }
        RunDir d = new RunDir(dir, created, ch, lock);
        d.removeTempFiles();
        if (overwrite) for (String f : runFiles) Files.deleteIfExists(dir.resolve(f));
        return d;
    }

    public Path path() { return dir; }

    /** Temp files of atomic writes ({@code .name<n>.tmp}) left by a killed writer. */
    private void removeTempFiles() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path p : s) Files.deleteIfExists(p);
        }
    }

    /**
     * Releases the lock; a folder this run made and left empty but for the lock (a refused or failed start) is
     * removed. The lock file itself stays otherwise: deleting it could let two writers lock two different files.
     */
    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
        if (created) {
            try (java.util.stream.Stream<Path> s = Files.list(dir)) {
                if (s.allMatch(p -> p.getFileName().toString().equals(LOCK))) {
                    Files.deleteIfExists(dir.resolve(LOCK));
                    Files.delete(dir);
                }
            }
        }
    }

    /**
     * {@code --resume}: refuses a setting that differs from the one the run was made with, naming the flag and both
     * values. {@code recorded} maps flags to values (settings the run did not record are not compared).
     */
    public static void checkSettings(Map<String, String> requested, Map<String, String> recorded, Path where) {
        for (Map.Entry<String, String> e : requested.entrySet()) {
            String was = recorded.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                throw new IllegalStateException("--resume: " + e.getKey() + " is " + e.getValue() + " but the run in " + where + " was made with "
                        + e.getKey() + " " + was + ": give " + e.getKey() + " " + was + " to continue it, or --overwrite (or another --out) to start afresh");
            }
        }
    }
}

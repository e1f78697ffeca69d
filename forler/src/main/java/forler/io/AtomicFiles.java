package forler.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Results and logs are written whole to a temp file beside the target, then renamed over it. */
public final class AtomicFiles {
    private AtomicFiles() {}

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** Writes {@code text} to {@code file} atomically, creating parent folders. */
    public static void writeString(Path file, String text) throws IOException {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // not Files.createTempFile: its files are owner-only (0600) whatever the umask; CREATE_NEW keeps the umask's mode
        Path tmp = dir.resolve("." + file.getFileName() + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

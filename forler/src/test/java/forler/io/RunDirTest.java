package forler.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirTest {
    static final List<String> FILES = List.of("checkpoint.safetensors", "rounds.csv");

    @Test
    void aFolderMadeForARunThatWroteNothingIsRemoved(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a");
        try (RunDir d = RunDir.open(out, FILES, false, false)) {
            assertTrue(Files.isDirectory(out));
        }
        assertFalse(Files.exists(out), "empty folder left behind");
    }

    @Test
    void tempFilesOfAKilledWriterAreRemovedOnTheNextStart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rounds.csv"), "round\n0\n");
        Path tmp1 = Files.writeString(dir.resolve(".rounds.csv123.tmp"), "x");
        Path tmp2 = Files.writeString(dir.resolve("checkpoint.safetensors.9.tmp"), "x");
        try (RunDir d = RunDir.open(dir, FILES, true, false)) {
            assertFalse(Files.exists(tmp1) || Files.exists(tmp2));
        }
        assertTrue(Files.exists(dir.resolve("rounds.csv")), "a resumed run's files are kept");
    }

    @Test
    void overwriteDeletesTheOldRunAndALockedFolderIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rounds.csv"), "round\n0\n");
        assertThrows(IllegalStateException.class, () -> RunDir.open(dir, FILES, false, false));
        try (RunDir d = RunDir.open(dir, FILES, false, true)) {
            assertFalse(Files.exists(dir.resolve("rounds.csv")));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunDir.open(dir, FILES, false, true));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void resumeAndOverwriteTogetherAreRefused(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunDir.open(dir, FILES, true, true));
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite"), e.getMessage());
    }

    @Test
    void anOutThatIsAFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunDir.open(file, FILES, false, false));
        assertTrue(e.getMessage().startsWith("--out"), e.getMessage());
    }

    @Test
    void wholeNumbersAreWrittenAsIntegers() {
        assertEquals("0", RunLog.num(0.0));
        assertEquals("250", RunLog.num(250.0));
        assertEquals("-3", RunLog.num(-3.0));
        assertEquals("0.500000", RunLog.num(0.5));
        assertEquals("NaN", RunLog.num(Double.NaN));
    }

    @Test
    void atomicWritesKeepTheUmasksMode(@TempDir Path dir) throws Exception {
        // Files.createTempFile made every log 0600; a file written now has the mode a plain new file gets
        Path plain = Files.writeString(dir.resolve("plain"), "x"), atomic = dir.resolve("atomic");
        AtomicFiles.writeString(atomic, "x");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }
}

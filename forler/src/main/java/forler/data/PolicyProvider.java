package forler.data;

import forler.env.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the behaviour policies of the {@code medium} and {@code expert} datasets (and the {@code medium-replay}
 * buffer) come from. The SAC trainer and its shipped checkpoints implement this; tests use stubs.
 */
public interface PolicyProvider {
    /**
     * The behaviour policy for a task and kind ({@link DatasetBuilder.Kind#MEDIUM} or {@link DatasetBuilder.Kind#EXPERT}).
     *
     * @param checkpoint a policy file given by the user ({@code --policy}), or null for the provider's own default
     */
    Policy policy(String task, DatasetBuilder.Kind kind, Path checkpoint);

    /**
     * A short id of the policy, part of the dataset cache key, so a new checkpoint makes a new dataset.
     * Default: the first 12 hex digits of the checkpoint's SHA-256, or {@code "default"} without one.
     */
    default String policyId(String task, DatasetBuilder.Kind kind, Path checkpoint) {
        return checkpoint == null ? "default" : sha256Prefix(checkpoint);
    }

    /**
     * The medium policy's training replay buffer (D4RL's {@code medium-replay}), in collection order.
     *
     * @param checkpoint as in {@link #policy}: the medium policy whose training filled the buffer, or null
     */
    default Dataset replayBuffer(String task, Path checkpoint) {
        throw new UnsupportedOperationException("no medium-replay buffer for task '" + task
                + "': this policy provider keeps no replay buffers");
    }

    /** A provider with no policies: {@code random} datasets only; says what to do for the other kinds. */
    static PolicyProvider none() {
        return (task, kind, checkpoint) -> {
            throw new UnsupportedOperationException("no behaviour policy for '" + task + "' kind '" + kind.id()
                    + "': this build has no policy provider wired in (forler.data.PolicyProvider); only --data random works");
        };
    }

    /** First 12 hex digits of the SHA-256 of a file. */
    static String sha256Prefix(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256Prefix(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first 12 hex digits of the SHA-256 of everything {@code in} holds. */
    static String sha256Prefix(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

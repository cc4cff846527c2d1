package dev.solvent.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees the old file or the complete new one, never part of one: the
 * bytes go to a temporary file in the target's folder, which is forced to the disk and then
 * renamed over the target (atomically where the file system can). When the writer throws, the
 * disk fills up or the JVM dies, the target is left as it was; the temporary file (named
 * {@code .<name>.<random>.tmp}) is removed except after a crash.
 *
 * <p>A target that is a symbolic link is replaced by the new file, not written through.
 */
public final class AtomicFiles {

    /** Writes the content of a file to the stream it is given (which it must not close). */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} from {@code body}, atomically as the class comment describes.
     *
     * @throws IOException naming the target when its folder is missing or not writable, or when
     *                     writing or renaming fails (the target is then unchanged)
     */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = temporary(abs);
        boolean done = false;
        try {
            try (FileChannel channel = open(tmp, target);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (FileSystemException e) {
            throw withTarget(e, target);
        } catch (IOException e) {
            // A failure of the writer itself (a full disk reports here): name the file it was for.
            String m = e.getMessage();
            throw new IOException(m != null && m.contains(target.toString()) ? m
                    : target + ": cannot write: " + (m == null ? e.getClass().getSimpleName() : m), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The first failure is the one to report.
                }
            }
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * Checks, before any work is done for it, that {@code target} can be written: its folder exists
     * and takes a new file (a probe file is created there and removed at once), and the target, if
     * present, is a regular file that may be written.
     *
     * @throws IOException whose message names the target and the reason
     */
    public static void checkWritable(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path folder = abs.getParent();
        if (folder == null) {
            throw new IOException(target + ": not a file path");
        }
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(target.toString(), null, Files.exists(folder)
                    ? folder + " is not a folder" : "the folder " + folder + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new IOException(target + ": is a folder, not a file");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new AccessDeniedException(target.toString(), null, "the file exists and is read-only");
        }
        Path probe = temporary(abs);
        try {
            open(probe, target).close();
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static Path temporary(Path abs) throws IOException {
        Path folder = abs.getParent();
        if (folder == null || abs.getFileName() == null) {
            throw new IOException(abs + ": not a file path");
        }
        String name = abs.getFileName().toString();
        // Keep the temporary name within common 255-byte limits.
        String base = name.length() > 200 ? name.substring(0, 200) : name;
        return folder.resolve("." + base + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    }

    private static FileChannel open(Path tmp, Path target) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            throw withTarget(e, target);
        }
    }

    /** The same failure, named after the file the user asked for rather than the temporary one. */
    private static IOException withTarget(FileSystemException e, Path target) {
        String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        if (e instanceof NoSuchFileException) {
            return (IOException) new NoSuchFileException(target.toString(), null, "the folder does not exist (" + reason + ")")
                    .initCause(e);
        }
        if (e instanceof AccessDeniedException) {
            return (IOException) new AccessDeniedException(target.toString(), null, reason).initCause(e);
        }
        return new IOException(target + ": cannot write: " + reason, e);
    }
}

package dev.solvent.cli;

import dev.solvent.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Checks a command's output files before it starts work: none may be one of its inputs (or
 * another of its outputs), and each must be writable. Outputs are then written atomically
 * ({@link AtomicFiles}), so a failure never leaves half a file.
 */
final class Outputs {

    private Outputs() {
    }

    /**
     * @param option the option that named the output ({@code --out}), for the messages
     * @param out    the output file, or null when none was asked for
     * @param inputs the command's input files (null entries are skipped)
     * @throws CommandLine.ParameterException (usage, exit 2) if the output is one of the inputs
     * @throws IOException                    (exit 1) naming the option and the file if it cannot be written
     */
    static void check(CommandLine.Model.CommandSpec spec, String option, Path out, Path... inputs) throws IOException {
        if (out == null) {
            return;
        }
        for (Path in : inputs) {
            if (in != null && same(out, in)) {
                String m = option + " " + out + " is also an input of this command (" + in
                        + "): refusing to overwrite it; choose another file";
                throw spec == null ? new IllegalArgumentException(m) : new CommandLine.ParameterException(spec.commandLine(), m);
            }
        }
        try {
            AtomicFiles.checkWritable(out);
        } catch (IOException e) {
            String m = e.getMessage();
            throw new IOException(option + " " + (m != null && m.startsWith(out.toString()) ? m : out + ": " + m), e);
        }
    }

    /** Whether two paths name the same file (existing or not, however spelled). */
    static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // Fall back to comparing the paths.
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}

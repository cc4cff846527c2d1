package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the integration tests share: the repository, the README's code blocks, and running processes. */
final class ItSupport {

    private ItSupport() {
    }

    /** A system property that failsafe sets (see cli/pom.xml). */
    static String property(String name) {
        String v = System.getProperty(name);
        assertNotNull(v, name + " is not set: run the integration tests through Maven (mvn verify)");
        return v;
    }

    /** The repository root. */
    static Path root() {
        return Path.of(property("solvent.root")).toAbsolutePath().normalize();
    }

    /** The bodies of the README's fenced blocks of one language, in order. */
    static List<String> readmeBlocks(String language) throws IOException {
        String text = Files.readString(root().resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```" + Pattern.quote(language) + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** A finished process: its status, stdout and stderr. */
    record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs a command in {@code dir} with extra environment variables, within {@code seconds}. */
    static Run run(Path dir, Map<String, String> env, long seconds, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        Run r = new Run(done ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        assertTrue(done, "did not finish within " + seconds + " s: " + command + "\n" + r);
        return r;
    }

    /** The environment that runs the JDK of these tests. */
    static Map<String, String> javaHome() {
        return Map.of("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
    }
}

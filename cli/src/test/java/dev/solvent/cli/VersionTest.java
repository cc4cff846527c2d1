package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** solvent --version: the project's version and the commit the build comes from. */
class VersionTest {

    private static String versionOutput() {
        CommandLine cl = SolventCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--version"));
        return out.toString();
    }

    @Test
    void printsTheProjectVersion() {
        String expected = System.getProperty("solvent.version");
        assertNotNull(expected, "surefire passes the project version as solvent.version");
        String first = versionOutput().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("solvent " + expected + " ("), first);
    }

    /** In a git checkout the build records HEAD's commit; --version prints it. */
    @Test
    void printsTheCommitOfAGitCheckout() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.exists(root.resolve(".git")), "not built from a git checkout");
        String head;
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").directory(root.toFile()).start();
            assertTrue(git.waitFor(30, TimeUnit.SECONDS));
            head = new String(git.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            Assumptions.assumeTrue(git.exitValue() == 0, "git cannot read " + root);
        } catch (java.io.IOException e) {
            Assumptions.abort("no git command: " + e);
            return;
        }
        String first = versionOutput().lines().findFirst().orElseThrow();
        assertTrue(first.contains("(commit " + head.substring(0, 12)), first + " but HEAD is " + head);
    }

    @Test
    void withoutGitInformationTheCommitIsUnknown() {
        Properties version = new Properties();
        version.setProperty("version", "9.9.9");
        String[] lines = SolventCommand.Version.lines(version, new Properties());
        assertEquals("solvent 9.9.9 (commit unknown: built outside a git checkout)", lines[0]);
        assertTrue(lines[1].startsWith("Java " + System.getProperty("java.version")), lines[1]);

        Properties git = new Properties();
        git.setProperty("git.commit.id.abbrev", "0123456789ab");
        git.setProperty("git.dirty", "true");
        git.setProperty("git.commit.time", "2026-01-02T03:04:05Z");
        assertEquals("solvent 9.9.9 (commit 0123456789ab with uncommitted changes, 2026-01-02T03:04:05Z)",
                SolventCommand.Version.lines(version, git)[0]);
    }
}

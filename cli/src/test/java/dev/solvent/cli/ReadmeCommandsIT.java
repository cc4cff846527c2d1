package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./solvent} command of the README, run as written (through the launcher, in an empty
 * folder, in README order, so later commands use the files earlier ones wrote), with no data but
 * what the commands make. The README's Maven commands are what the build itself runs ({@code mvn
 * -B verify}); its {@code install} goes to a private repository in ReadmeProjectIT instead of the
 * user's.
 */
class ReadmeCommandsIT {

    @TempDir
    Path dir;

    /** The ./solvent commands of the README's sh blocks, comments and mvn steps removed. */
    static List<String> commands() throws Exception {
        List<String> commands = new ArrayList<>();
        for (String block : ItSupport.readmeBlocks("sh")) {
            for (String line : block.lines().toList()) {
                String code = line.replaceAll("\\s+#.*$", "").strip();
                for (String part : code.split("&&")) {
                    String c = part.strip();
                    if (c.startsWith("./solvent")) {
                        commands.add(c);
                    }
                }
            }
        }
        return commands;
    }

    @Test
    void everyReadmeCommandRunsFromAnEmptyFolder() throws Exception {
        List<String> commands = commands();
        assertTrue(commands.size() >= 12, "README commands found: " + commands);
        assertTrue(commands.contains("./solvent demo"), commands.toString());
        String launcher = ItSupport.root().resolve("solvent").toString();
        List<String> ran = new ArrayList<>();
        for (String c : commands) {
            String shell = launcher + c.substring("./solvent".length());
            ItSupport.Run r = ItSupport.run(dir, ItSupport.javaHome(), 1200, List.of("sh", "-c", shell));
            assertEquals(0, r.status(), c + "\n" + r);
            if (c.contains("--json")) {
                Map<String, Object> json = JSON.std.mapFrom(r.out().strip());
                Object reason = json.get("reason");
                assertTrue(String.valueOf(reason).startsWith("CONVERGED"), c + ": " + r.out());
            }
            if (c.contains("--solver dcdm")) {
                assertTrue(r.out().contains("reason          CONVERGED_RTOL"), c + "\n" + r);
            }
            ran.add(c);
        }
        assertEquals(commands, ran);
    }
}

package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code solvent smoke} end to end on tiny runs: every output is written and readable. */
class SmokeCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = SolventCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static int gifFrames(Path gif) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            int n = reader.getNumImages(true);
            reader.dispose();
            return n;
        }
    }

    @Test
    void tinyRunWritesFramesGifCsvAndSummary(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Run r = run("smoke", "--n", "10", "--steps", "6", "--pc", "ic0", "--threads", "2", "--frame-every", "3",
                "--gif-every", "2", "--out", out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err() + r.out());
        List<String> csv = Files.readAllLines(out.resolve("steps.csv"));
        assertEquals(7, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).startsWith("step,method,warm,iterations"));
        for (String line : csv.subList(1, 7)) {
            String[] f = line.split(",");
            assertEquals("ic0", f[1]);
            assertTrue(Integer.parseInt(f[3]) > 0, line);
            assertEquals("CONVERGED_RTOL", f[5], line);
            assertTrue(Double.parseDouble(f[9]) <= 1e-6 * (1 + 1e-6), "relative divergence in " + line);
        }
        for (String frame : new String[] {"frame-0003.png", "frame-0006.png"}) {
            BufferedImage img = ImageIO.read(out.resolve("frames").resolve(frame).toFile());
            assertNotNull(img, frame);
            assertEquals(40, img.getWidth());
            assertEquals(40, img.getHeight());
        }
        assertEquals(3, gifFrames(out.resolve("smoke.gif")));
        assertNotNull(ImageIO.read(out.resolve("steps.png").toFile()));
        assertTrue(r.out().contains("mean its") && r.out().contains("ic0"), r.out());
        assertTrue(r.out().contains("matrix assembled 1 time(s)"), r.out());
    }

    @Test
    void compareModePlotsEverySolverOverTheSameClosedBox(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cmp");
        Run r = run("smoke", "--dims", "2", "--n", "16", "--steps", "5", "--closed", "--compare", "cg,ic0:cold,bandit",
                "--threads", "1", "--frame-every", "0", "--gif-every", "0", "--out", out.toString(), "--quiet");
        assertEquals(0, r.status(), r.err() + r.out());
        assertNotNull(ImageIO.read(out.resolve("steps.png").toFile()));
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("|cg|on|5|") && summary.contains("|ic0|off|5|") && summary.contains("|bandit|chosen|5|"), summary);
        for (String run : new String[] {"cg", "ic0-cold", "bandit"}) {
            assertEquals(6, Files.readAllLines(out.resolve(run).resolve("steps.csv")).size(), run);
        }
        assertTrue(r.out().contains("chosen"), "the bandit's account is printed: " + r.out());
    }

    @Test
    void unknownPressureSolverIsOneClearLine(@TempDir Path dir) {
        Run r = run("smoke", "--pc", "amg-not-registered", "--n", "10", "--steps", "1", "--out", dir.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("solvent: error: --pc amg-not-registered: ")
                && r.err().contains("unknown preconditioner 'amg-not-registered'"), r.err());
        assertEquals(2, r.err().strip().split("\n").length, r.err());
        Run file = run("smoke", "--n", "10", "--steps", "1", "--out", dir.resolve("x.txt").toString(), "--threads", "1");
        assertEquals(0, file.status(), file.err()); // a new name is a new folder
        Run notFolder = run("smoke", "--n", "10", "--steps", "1", "--out", dir.resolve("x.txt").resolve("steps.csv").toString());
        assertEquals(2, notFolder.status(), notFolder.err());
        assertTrue(notFolder.err().contains("is a file"), notFolder.err());
        Run bad = run("smoke", "--compare", "ic0:hot", "--n", "10", "--steps", "1", "--out", dir.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("warm or cold"), bad.err());
    }
}

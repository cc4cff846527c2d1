package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./solvent launcher as a user meets it: on PATH through links, JAVA_OPTS, old and new JDKs. */
class LauncherIT {

    @TempDir
    Path dir;

    private Path linkedLauncher() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("solvent-link"), ItSupport.root().resolve("solvent"));
        return Files.createSymbolicLink(bin.resolve("solvent"), Path.of("solvent-link"));
    }

    @Test
    void runsThroughAChainOfSymbolicLinksFromAnyFolder() throws Exception {
        Path solvent = linkedLauncher();
        ItSupport.Run r = ItSupport.run(dir, ItSupport.javaHome(), 120, List.of(solvent.toString(), "--version"));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("solvent " + ItSupport.property("solvent.version") + " ("), r.out());
    }

    @Test
    void outOfMemoryIsOneLineThatSuggestsJavaOpts() throws Exception {
        Map<String, String> env = new HashMap<>(ItSupport.javaHome());
        env.put("JAVA_OPTS", "-Xmx24m");
        ItSupport.Run r = ItSupport.run(dir, env, 300,
                List.of(linkedLauncher().toString(), "demo", "--n", "120", "--quiet"));
        assertEquals(1, r.status(), r.toString());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("solvent: error: out of memory"), r.err());
        Matcher m = Pattern.compile("JAVA_OPTS=-Xmx(\\d+)g").matcher(lines.get(0));
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 1, lines.get(0));
    }

    /** A JDK older than 17 is refused in one line before Java starts (a stand-in JDK that only has a release file). */
    @Test
    void anOldJdkIsRefusedWithASentence() throws Exception {
        Path old = Files.createDirectories(dir.resolve("jdk-11/bin"));
        Files.writeString(dir.resolve("jdk-11/release"), "JAVA_VERSION=\"11.0.22\"\n");
        Path java = old.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'this stand-in java must not run' >&2\nexit 99\n");
        assertTrue(java.toFile().setExecutable(true));
        ItSupport.Run r = ItSupport.run(dir, Map.of("JAVA_HOME", dir.resolve("jdk-11").toString()), 60,
                List.of(linkedLauncher().toString(), "--version"));
        assertEquals(1, r.status(), r.toString());
        assertEquals("solvent: error: needs Java 17 or newer; " + dir.resolve("jdk-11") + " is Java 11 (set JAVA_HOME to a newer JDK)",
                r.err().strip());
    }

    /**
     * JDK 24 and newer warn when JCuda loads its native library unless native access is granted;
     * through the launcher they print nothing. Runs where such a JDK is installed (JDK24_HOME, or
     * one under /usr/lib/jvm); skipped otherwise.
     */
    @Test
    void newJdksPrintNoNativeAccessWarnings() throws Exception {
        Optional<Path> jdk = jdk24();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK 24 or newer found (set JDK24_HOME)");
        ItSupport.Run r = ItSupport.run(dir, Map.of("JAVA_HOME", jdk.get().toString()), 300,
                List.of(linkedLauncher().toString(), "demo", "--n", "10", "--quiet", "--backend", "auto"));
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.err().contains("WARNING"), r.err());
        // The same jar without the launcher: the manifest grants native access too.
        ItSupport.Run direct = ItSupport.run(dir, Map.of(), 300, List.of(jdk.get().resolve("bin/java").toString(), "-jar",
                ItSupport.root().resolve("cli/target/solvent.jar").toString(), "demo", "--n", "10", "--quiet", "--backend", "auto"));
        assertEquals(0, direct.status(), direct.toString());
        assertFalse(direct.err().contains("WARNING"), direct.err());
    }

    private static Optional<Path> jdk24() throws Exception {
        String env = System.getenv("JDK24_HOME");
        if (env != null && major(Path.of(env)) >= 24) {
            return Optional.of(Path.of(env));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (var list = Files.list(jvms)) {
            for (Path p : list.sorted().toList()) {
                if (major(p) >= 24 && Files.isExecutable(p.resolve("bin/java"))) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static int major(Path jdk) throws Exception {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}

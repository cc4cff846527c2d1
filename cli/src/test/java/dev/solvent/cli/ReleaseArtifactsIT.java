package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What Maven Central requires of every published artifact, checked on what this build made: a
 * jar with its module name, licence and notice; sources and javadoc jars; and POMs (as installed)
 * with name, description, url, licences, developers and scm, the last four inherited from the parent.
 */
class ReleaseArtifactsIT {

    /** Module folder, artifactId, Automatic-Module-Name. */
    static final String[][] PUBLISHED = {
        {"testdata", "solvent-testdata", "dev.solvent.testdata"},
        {"solver-core", "solvent-core", "dev.solvent.core"},
        {"solver-cuda", "solvent-cuda", "dev.solvent.cuda"},
        {"learned-precond", "solvent-learned-precond", "dev.solvent.learned"},
        {"cli", "solvent-cli", "dev.solvent.cli"},
    };

    @Test
    void everyJarHasItsModuleNameLicenceSourcesAndJavadoc() throws Exception {
        String version = ItSupport.property("solvent.version");
        String licence = Files.readString(ItSupport.root().resolve("LICENSE"), StandardCharsets.UTF_8);
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004"));
        List<String> problems = new ArrayList<>();
        for (String[] m : PUBLISHED) {
            Path target = ItSupport.root().resolve(m[0]).resolve("target");
            String base = m[1] + "-" + version;
            try (JarFile jar = new JarFile(target.resolve(base + ".jar").toFile())) {
                Manifest mf = jar.getManifest();
                check(problems, m[1] + " Automatic-Module-Name", m[2], mf.getMainAttributes().getValue("Automatic-Module-Name"));
                check(problems, m[1] + " Implementation-Version", version, mf.getMainAttributes().getValue("Implementation-Version"));
                if (jar.getEntry("META-INF/LICENSE") == null || jar.getEntry("META-INF/NOTICE") == null) {
                    problems.add(m[1] + ": no META-INF/LICENSE or META-INF/NOTICE");
                } else {
                    String inJar = new String(jar.getInputStream(jar.getEntry("META-INF/LICENSE")).readAllBytes(),
                            StandardCharsets.UTF_8);
                    check(problems, m[1] + " LICENSE", licence, inJar);
                }
            }
            try (JarFile sources = new JarFile(target.resolve(base + "-sources.jar").toFile())) {
                boolean hasSource = sources.stream().anyMatch(e -> e.getName().endsWith(".java"));
                if (!hasSource && !m[1].equals("solvent-testdata")) {
                    problems.add(m[1] + ": sources jar without .java files");
                }
            }
            try (JarFile javadoc = new JarFile(target.resolve(base + "-javadoc.jar").toFile())) {
                String expected = m[1].equals("solvent-testdata") ? "README.md" : "index.html";
                if (javadoc.getEntry(expected) == null) {
                    problems.add(m[1] + ": javadoc jar without " + expected);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void installedPomsCarryCentralsMetadata() throws Exception {
        String version = ItSupport.property("solvent.version");
        Path repo = Path.of(ItSupport.property("solvent.it.repo"), "dev", "solvent");
        Element parent = pom(repo.resolve("solvent-parent").resolve(version).resolve("solvent-parent-" + version + ".pom"));
        for (String tag : new String[] {"name", "description", "url"}) {
            assertTrue(!text(parent, tag).isBlank(), "parent POM: no " + tag);
        }
        Element licence = first(first(parent, "licenses"), "license");
        assertEquals("Apache-2.0", text(licence, "name"));
        assertTrue(text(licence, "url").startsWith("https://www.apache.org/licenses/LICENSE-2.0"), text(licence, "url"));
        assertTrue(!text(first(first(parent, "developers"), "developer"), "name").isBlank(),
                "parent POM: a developer without a name");
        Element scm = first(parent, "scm");
        for (String tag : new String[] {"connection", "developerConnection", "url"}) {
            assertTrue(!text(scm, tag).isBlank(), "parent POM: scm without " + tag);
        }
        // The children inherit url and scm as they are (no artifactId appended).
        assertEquals("false", parent.getAttribute("child.project.url.inherit.append.path"));
        assertEquals("false", scm.getAttribute("child.scm.url.inherit.append.path"));
        for (String[] m : PUBLISHED) {
            Element pom = pom(repo.resolve(m[1]).resolve(version).resolve(m[1] + "-" + version + ".pom"));
            assertEquals("solvent-parent", text(first(pom, "parent"), "artifactId"), m[1]);
            assertTrue(!text(pom, "name").isBlank() && !text(pom, "description").isBlank(), m[1] + ": name or description missing");
        }
    }

    private static void check(List<String> problems, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            problems.add(what + ": expected " + (expected.length() > 60 ? "the repository's text" : expected) + ", found "
                    + (actual == null ? "none" : actual.length() > 60 ? "other text" : actual));
        }
    }

    private static Element pom(Path file) throws Exception {
        assertTrue(Files.exists(file), file + " was not installed");
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return d.getDocumentElement();
    }

    /** The first child element of that name, directly under {@code e}. */
    private static Element first(Element e, String tag) {
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) {
                return c;
            }
        }
        throw new AssertionError("no <" + tag + "> under <" + e.getTagName() + ">");
    }

    /** The text of a direct child element, or "" when there is none. */
    private static String text(Element e, String tag) {
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) {
                return c.getTextContent().strip();
            }
        }
        return "";
    }
}

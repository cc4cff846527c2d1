package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A user's first ten minutes: a new Maven project, made of nothing but what the README shows (the
 * dependency on solvent-core, the logging provider it recommends, the Java example), built by
 * Maven against the installed artifacts and run. The artifacts come from a private repository
 * under target/ (maven-invoker-plugin installs them there), third-party jars and plugins from this
 * build's own local repository, used as a mirror of every remote one: nothing is downloaded.
 */
class ReadmeProjectIT {

    /** The version the README's coordinates give is the one this build makes, and Gradle's line agrees. */
    @Test
    void readmeCoordinatesAreThisBuildsInMavenAndGradle() throws Exception {
        String version = ItSupport.property("solvent.version");
        String core = dependency("solvent-core");
        assertTrue(core.contains("<groupId>dev.solvent</groupId>"), core);
        assertTrue(core.contains("<version>" + version + "</version>"), core + " is not version " + version);
        List<String> kotlin = ItSupport.readmeBlocks("kotlin");
        assertEquals(1, kotlin.size(), "one Gradle snippet");
        assertTrue(kotlin.get(0).contains("implementation(\"dev.solvent:solvent-core:" + version + "\")"), kotlin.get(0));
        String slf4j = dependency("slf4j-simple");
        assertTrue(slf4j.contains("<version>" + ItSupport.property("solvent.it.slf4j") + "</version>"),
                slf4j + " is not the SLF4J version Solvent builds with");
        if (version.endsWith("-SNAPSHOT")) {
            String readme = Files.readString(ItSupport.root().resolve("README.md"));
            assertTrue(readme.contains("not on Maven Central yet"), "a snapshot must not be presented as published");
        }
    }

    @Test
    void readmeExampleBuildsAndRunsAgainstTheInstalledArtifacts() throws Exception {
        Path project = Path.of("target", "readme-project").toAbsolutePath();
        deleteTree(project);
        Path src = project.resolve("src/main/java");
        Path test = project.resolve("src/test/java");
        Files.createDirectories(src);
        Files.createDirectories(test);

        String example = ItSupport.readmeBlocks("java").get(0);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(example);
        assertTrue(cls.find(), "the README example declares a public class");
        Files.writeString(src.resolve(cls.group(1) + ".java"), example);
        Files.writeString(test.resolve("RunExampleTest.java"), runner(cls.group(1)));
        Files.writeString(project.resolve("pom.xml"), pom(dependency("solvent-core"), dependency("slf4j-simple")));
        Path settings = project.resolve("settings.xml");
        Files.writeString(settings, settings(Path.of(ItSupport.property("solvent.it.mirror"))));

        String mvn = Path.of(ItSupport.property("solvent.it.maven"), "bin", "mvn").toString();
        ItSupport.Run build = ItSupport.run(project, ItSupport.javaHome(), 600, List.of(mvn, "-B", "-s", settings.toString(),
                "-Dmaven.repo.local=" + ItSupport.property("solvent.it.repo"), "test"));
        assertEquals(0, build.status(), "the README project does not build:\n" + build);

        String out = Files.readString(project.resolve("target/example.out"));
        String err = Files.readString(project.resolve("target/example.err"));
        assertTrue(out.contains("CONVERGED_RTOL"), out);
        Matcher rel = Pattern.compile("relative residual (\\S+)").matcher(out);
        assertTrue(rel.find(), out);
        assertTrue(Double.parseDouble(rel.group(1)) <= 1e-8, out);
        assertFalse(err.contains("SLF4J"), "SLF4J complains with a provider present:\n" + err);
    }

    /** The README's Maven dependency block for an artifact. */
    private static String dependency(String artifactId) throws Exception {
        for (String block : ItSupport.readmeBlocks("xml")) {
            if (block.contains("<artifactId>" + artifactId + "</artifactId>")) {
                return block.strip();
            }
        }
        throw new AssertionError("README.md has no <dependency> block for " + artifactId);
    }

    private static String pom(String... dependencies) {
        String plugins = List.of(
                "maven-resources-plugin:3.3.1", "maven-compiler-plugin:3.13.0", "maven-surefire-plugin:3.5.2",
                "maven-jar-plugin:3.4.2", "maven-install-plugin:3.1.3", "maven-clean-plugin:3.4.0")
                .stream().map(p -> "      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>" + p.split(":")[0]
                        + "</artifactId><version>" + p.split(":")[1] + "</version></plugin>\n")
                .reduce("", String::concat);
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>readme-example</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                """ + String.join("\n", dependencies) + """

                    <dependency>
                      <groupId>org.junit.jupiter</groupId>
                      <artifactId>junit-jupiter</artifactId>
                      <version>5.11.3</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                """ + plugins + """
                    </plugins>
                  </build>
                </project>
                """;
    }

    /** Runs the example in a fresh JVM on the project's runtime class path, keeping what it prints. */
    private static String runner(String className) {
        return """
                import java.nio.file.Path;
                import org.junit.jupiter.api.Assertions;
                import org.junit.jupiter.api.Test;

                class RunExampleTest {
                    @Test
                    void runs() throws Exception {
                        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
                        Process p = new ProcessBuilder(java, "-cp", cp, "%s")
                                .redirectOutput(Path.of("target", "example.out").toFile())
                                .redirectError(Path.of("target", "example.err").toFile())
                                .start();
                        Assertions.assertEquals(0, p.waitFor(), "the example failed; see target/example.err");
                    }
                }
                """.formatted(className);
    }

    private static String settings(Path mirror) {
        return """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>this-build</id>
                      <name>the local repository of the build that runs this test</name>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(mirror.toUri());
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}

package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multigrid example of README.md (the {@code java} block that uses {@code AmgPreconditioner})
 * compiled and run: it must converge before and after its re-setup, and print the hierarchy.
 */
class ReadmeAmgExampleTest {

    @Test
    void readmeMultigridExampleCompilesRunsAndConverges(@TempDir Path dir) throws Exception {
        String text = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(text);
        String source = null;
        while (m.find()) {
            if (m.group(1).contains("AmgPreconditioner")) {
                source = m.group(1);
            }
        }
        assertTrue(source != null, "README.md has no java block using AmgPreconditioner");
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find());
        Path file = dir.resolve(cls.group(1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, "-classpath", classpath, "-d", dir.toString(), file.toString());
        assertEquals(0, status, "the README multigrid example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass(cls.group(1)).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertTrue(output.lines().findFirst().orElse("").startsWith("CONVERGED_RTOL after "), output);
        assertTrue(output.contains("operatorComplexity") && output.contains("levels"), output);
        Matcher after = Pattern.compile("after re-setup: CONVERGED_RTOL, relative residual (\\S+)").matcher(output);
        assertTrue(after.find(), output);
        assertTrue(Double.parseDouble(after.group(1)) <= 1e-8, output);
    }
}

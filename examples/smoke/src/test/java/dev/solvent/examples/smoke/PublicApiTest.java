package dev.solvent.examples.smoke;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example is what a CFD code linking Solvent would be: its main classes use only Solvent's
 * documented public API. Every {@code dev.solvent} class they depend on (outside the example's own
 * package) must be public, outside any {@code internal} package, and named in the README (the
 * top-level class's simple name in backticks, in code or in prose).
 */
class PublicApiTest {

    private static final Path README = Path.of("../../README.md");

    private static Set<String> documentedNames() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b([A-Z][A-Za-z0-9]+)\\b").matcher(readme);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass o = c;
        while (o.getEnclosingClass().isPresent()) {
            o = o.getEnclosingClass().get();
        }
        return o;
    }

    private static JavaClasses example() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.solvent.examples.smoke");
    }

    private static ArchRule rule(Set<String> documented) {
        DescribedPredicate<JavaClass> allowed = new DescribedPredicate<>(
                "are outside dev.solvent, in the example itself, or public Solvent API outside 'internal' packages and named in README.md") {
            @Override
            public boolean test(JavaClass c) {
                if (c.isArray()) {
                    return test(c.getBaseComponentType());
                }
                String pkg = c.getPackageName();
                if (!pkg.startsWith("dev.solvent") || pkg.startsWith("dev.solvent.examples")) {
                    return true;
                }
                boolean isPublic = c.getModifiers().contains(JavaModifier.PUBLIC);
                for (JavaClass e = c; e.getEnclosingClass().isPresent(); e = e.getEnclosingClass().get()) {
                    isPublic &= e.getEnclosingClass().get().getModifiers().contains(JavaModifier.PUBLIC);
                }
                return isPublic && !pkg.contains(".internal") && documented.contains(outermost(c).getSimpleName());
            }
        };
        return classes().that().resideInAPackage("dev.solvent.examples..").should().onlyDependOnClassesThat(allowed);
    }

    @Test
    void dependsOnlyOnDocumentedPublicSolventApi() throws IOException {
        rule(documentedNames()).check(example());
    }

    /** A class that reaches past the documented API, for the rule to catch. */
    static final class Probe {
        Class<?> backend() {
            return dev.solvent.backend.cpu.ParallelCpuBackend.class;
        }
    }

    @Test
    void theRuleCatchesAnUndocumentedClass() throws IOException {
        Set<String> documented = documentedNames();
        assertTrue(!documented.contains("ParallelCpuBackend"), "README names ParallelCpuBackend; pick another probe");
        assertTrue(documented.contains("FluidGrid") && documented.contains("Solvers") && documented.contains("TsallisInf"),
                "README names the classes the example uses");
        JavaClasses probe = new ClassFileImporter().importClasses(Probe.class);
        AssertionError e = assertThrows(AssertionError.class, () -> rule(documented).check(probe));
        assertTrue(e.getMessage().contains("ParallelCpuBackend"), e.getMessage());
    }
}

package dev.solvent.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.DiscoverySelector;

/**
 * Runs the named test methods ({@code Class#method}) and prints one {@code RESULT} line for each
 * test (and for each class that failed before its tests): the child process {@link KernelMutationTest}
 * starts for every mutant, with the mutated sources selected by system properties.
 */
public final class MutantRunner {

    private MutantRunner() {
    }

    public static void main(String[] args) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String a : args) {
            selectors.add(selectMethod(a));
        }
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("RESULT SKIPPED " + name(id) + " " + oneLine(reason));
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                boolean classLevel = id.getSource().filter(s -> s instanceof ClassSource).isPresent();
                if (!id.isTest() && !(classLevel && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL)) {
                    return;
                }
                String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
                System.out.println("RESULT " + result.getStatus() + " " + name(id) + " " + oneLine(why));
            }
        });
        System.out.flush();
        System.exit(0);
    }

    private static String name(TestIdentifier id) {
        return id.getSource().map(s -> {
            if (s instanceof MethodSource m) {
                return m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "#" + m.getMethodName();
            }
            if (s instanceof ClassSource c) {
                return c.getClassName().substring(c.getClassName().lastIndexOf('.') + 1);
            }
            return id.getDisplayName();
        }).orElse(id.getDisplayName());
    }

    private static String oneLine(String s) {
        String line = s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}

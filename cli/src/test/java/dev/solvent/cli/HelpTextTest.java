package dev.solvent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solvent.dcdm.PretrainedModels;
import dev.solvent.solve.Solvers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help reads the same way, and lists the names the registries hold. */
class HelpTextTest {

    private static List<CommandLine> allCommands() {
        List<CommandLine> all = new ArrayList<>();
        collect(SolventCommand.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            collect(sub, all);
        }
    }

    private static boolean hasDefault(OptionSpec o) {
        if (o.required()) {
            return false;
        }
        if (o.defaultValue() != null) {
            return true;
        }
        Object initial = o.initialValue();
        return initial != null && !(initial instanceof Boolean b && !b);
    }

    /** Sentences ending in a period; an option with a default says "Default: ..."; no line beyond 80 columns. */
    @Test
    void everyOptionIsASentenceAndStatesItsDefault() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cl : allCommands()) {
            String command = cl.getCommandSpec().qualifiedName();
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                String text = String.join(" ", o.description());
                if (text.isBlank() || !text.strip().endsWith(".") || !Character.isUpperCase(text.strip().charAt(0))
                        && !text.startsWith("dcdm:") && !text.startsWith("sinkhorn")) {
                    problems.add(command + " " + o.longestName() + ": not a sentence: '" + text + "'");
                }
                if (hasDefault(o) && !text.contains("Default: ")) {
                    problems.add(command + " " + o.longestName() + ": has a default but does not say it: '" + text + "'");
                }
                if (text.contains("(default ")) {
                    problems.add(command + " " + o.longestName() + ": '(default ...)' instead of 'Default: ...'");
                }
            }
            // A table laid out by hand (indented lines) must fit, or picocli's wrapping breaks its columns.
            for (String line : cl.getCommandSpec().usageMessage().description()) {
                if (line.startsWith(" ") && line.length() > 80) {
                    problems.add(command + ": hand-aligned description line of " + line.length() + " columns: " + line);
                }
            }
            StringWriter help = new StringWriter();
            cl.getCommandSpec().usageMessage().width(80);
            cl.usage(new PrintWriter(help), CommandLine.Help.Ansi.OFF);
            if (help.toString().contains("=<")) {
                problems.add(command + ": an option without a parameter label (picocli's <field> shows)");
            }
            for (String line : help.toString().lines().toList()) {
                if (line.length() > 80) {
                    problems.add(command + ": help line of " + line.length() + " columns: " + line);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void solveHelpListsEveryRegisteredSolverPreconditionerAndModel() {
        CommandLine solve = SolventCommand.commandLine().getSubcommands().get("solve");
        StringWriter help = new StringWriter();
        solve.usage(new PrintWriter(help), CommandLine.Help.Ansi.OFF);
        String text = help.toString().replaceAll("\\s+", " ");
        List<String> names = new ArrayList<>(Solvers.solverNames());
        names.addAll(Solvers.preconditionerNames());
        names.addAll(PretrainedModels.names());
        names.add("dcdm");
        for (String n : names) {
            assertTrue(text.contains(" " + n + ",") || text.contains(" " + n + ".") || text.contains(" " + n + ")"),
                    n + " missing from solve --help:\n" + help);
        }
    }

    /** The spellings scripts used before the names were made consistent still parse, without showing in help. */
    @Test
    void earlierSpellingsAreHiddenAliases() {
        Map<String, CommandLine> subs = SolventCommand.commandLine().getSubcommands();
        assertTrue(subs.get("solve").getCommandSpec().findOption("--max-iter").hidden());
        assertTrue(subs.get("ot").getCommandSpec().findOption("--tol").hidden());
        assertTrue(subs.get("train-dcdm").getCommandSpec().findOption("--output").hidden());
        SolveCommand solve = new SolveCommand();
        new CommandLine(solve).parseArgs("A.mtx", "--max-iter", "7");
        assertEquals(7, solve.maxIterations());
        solve = new SolveCommand();
        new CommandLine(solve).parseArgs("A.mtx", "--max-iterations", "8");
        assertEquals(8, solve.maxIterations());
        OtCommand ot = new OtCommand();
        new CommandLine(ot).parseArgs("--tol", "1e-5");
        assertEquals(1e-5, ot.tol());
        ot = new OtCommand();
        new CommandLine(ot).parseArgs("--atol", "1e-6");
        assertEquals(1e-6, ot.tol());
        TrainDcdmCommand train = new TrainDcdmCommand();
        new CommandLine(train).parseArgs("--output", "a.json");
        assertEquals(java.nio.file.Path.of("a.json"), train.legacyOutput);
    }

    @Test
    void durationsTakeUnitsAndBareNumbersKeepTheirOldUnit() {
        assertEquals(90.0, Durations.seconds("90", 1));
        assertEquals(90.0, Durations.seconds("1.5m", 1));
        assertEquals(7200.0, Durations.seconds("2h", 1));
        assertEquals(1200.0, Durations.seconds("20", 60));
        assertEquals(0.25, Durations.seconds("250ms", 60));
        assertEquals(20.0, new Durations.Minutes().convert("20"));
        assertEquals(1.5, new Durations.Minutes().convert("90s"));
        for (String bad : new String[] {"soon", "-3s", "NaN"}) {
            try {
                Durations.seconds(bad, 1);
                throw new AssertionError("accepted " + bad);
            } catch (CommandLine.TypeConversionException expected) {
                assertTrue(expected.getMessage().contains(bad));
            }
        }
    }
}

package dev.solvent.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code solvent} command. Every failure, bad option or bad file alike, ends as one line on
 * stderr and a non-zero exit status, never a stack trace ({@code SOLVENT_DEBUG=1} shows it): an
 * {@link OutOfMemoryError} or any other {@link Error} of a command too, which picocli's exception
 * handler would not see. Exit status: 0 success, 1 error, 2 usage, 3 a solve that did not
 * converge ({@code solve}, {@code demo}, {@code ot}).
 */
@Command(name = "solvent",
        mixinStandardHelpOptions = true,
        versionProvider = SolventCommand.Version.class,
        description = "Sparse linear solvers and preconditioners for the JVM.",
        subcommands = {SolveCommand.class, GenerateCommand.class, DemoCommand.class, OtCommand.class, TuneDemoCommand.class,
            TrainDcdmCommand.class, SmokeCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "1:error (bad file, I/O, failed setup)",
            "2:invalid command-line usage",
            "3:a solve ran but did not converge (solve, demo, ot, smoke)"})
public final class SolventCommand implements Runnable {

    /** Exit status when a solve finished without converging. */
    public static final int EXIT_NOT_CONVERGED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** Exit status of an error (bad file, I/O, failed setup, out of memory). */
    public static final int EXIT_ERROR = 1;

    /** Builds the command line with Solvent's error handling; tests drive it through this. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SolventCommand());
        // picocli hands only Exceptions to the handler below: an Error (out of memory, a stack
        // overflow, a native library that will not link) would escape as a stack trace.
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parseResult -> {
            try {
                return runLast.execute(parseResult);
            } catch (Error e) {
                PrintWriter err = parseResult.commandSpec().commandLine().getErr();
                err.println("solvent: error: " + describe(e));
                if (System.getenv("SOLVENT_DEBUG") != null) {
                    e.printStackTrace(err);
                }
                err.flush();
                return EXIT_ERROR;
            }
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("solvent: error: " + describe(ex));
            if (System.getenv("SOLVENT_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("solvent: error: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return 2;
        });
        return cl;
    }

    /** One line: the message, and the cause's when the message alone would not say what went wrong. */
    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        if (ex instanceof OutOfMemoryError) {
            msg = "out of memory (" + msg + "): the problem needs more than the "
                    + Math.round(Runtime.getRuntime().maxMemory() / 1e9 * 10) / 10.0
                    + " GB this JVM may use; give it more heap, e.g. JAVA_OPTS=-Xmx16g";
        } else if (ex instanceof StackOverflowError) {
            msg = "stack overflow (" + msg + ")";
        } else if (ex instanceof java.nio.file.NoSuchFileException) {
            msg = "no such file: " + msg;
        } else if (ex instanceof java.nio.file.AccessDeniedException) {
            msg = "permission denied: " + msg;
        }
        return msg.replace('\n', ' ');
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SolventCommand.class.getPackage().getImplementationVersion();
            return new String[] {"solvent " + (v == null ? "development build" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}

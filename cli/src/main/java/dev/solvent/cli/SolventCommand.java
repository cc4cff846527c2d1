package dev.solvent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
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
        // One look for every command's help: as wide as the terminal (80 columns when it cannot be
        // told), and a short synopsis ("[OPTIONS]") instead of every option listed twice.
        cl.setUsageHelpAutoWidth(true);
        abbreviateSynopses(cl);
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

    private static void abbreviateSynopses(CommandLine cl) {
        cl.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        for (CommandLine sub : cl.getSubcommands().values()) {
            abbreviateSynopses(sub);
        }
    }

    /** One line: the message, and the cause's when the message alone would not say what went wrong. */
    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        if (ex instanceof OutOfMemoryError) {
            // Twice the current heap, in whole GiB: a number to try, not a promise.
            long max = Runtime.getRuntime().maxMemory();
            long gib = Math.max(1, (2 * max + (1L << 30) - 1) >> 30);
            msg = "out of memory (" + msg + "): the problem needs more than the " + Math.round(max / 1e9 * 100) / 100.0
                    + " GB this JVM may use; give it more heap, e.g. JAVA_OPTS=-Xmx" + gib + "g";
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

    /**
     * The version, the commit it was built from and the Java runtime, from
     * {@code dev/solvent/cli/version.properties} (the project version) and
     * {@code dev/solvent/cli/git.properties} (written by the build in a git checkout only).
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines(resource("version.properties"), resource("git.properties"));
        }

        static String[] lines(Properties version, Properties git) {
            String v = version.getProperty("version", SolventCommand.class.getPackage().getImplementationVersion());
            String commit = git.getProperty("git.commit.id.abbrev");
            String built;
            if (commit == null) {
                built = "commit unknown: built outside a git checkout";
            } else {
                built = "commit " + commit + (Boolean.parseBoolean(git.getProperty("git.dirty")) ? " with uncommitted changes" : "")
                        + ", " + git.getProperty("git.commit.time", "time unknown");
            }
            return new String[] {"solvent " + (v == null ? "(version unknown)" : v) + " (" + built + ")",
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }

        private static Properties resource(String name) {
            Properties p = new Properties();
            try (InputStream in = SolventCommand.class.getResourceAsStream(name)) {
                if (in != null) {
                    p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // Unreadable: reported as unknown, like a missing file.
            }
            return p;
        }
    }
}

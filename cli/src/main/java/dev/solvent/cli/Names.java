package dev.solvent.cli;

import dev.solvent.dcdm.PretrainedModels;
import dev.solvent.solve.Solvers;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The names the help texts list, taken from the registries ({@link Solvers},
 * {@link PretrainedModels}) so that a solver or preconditioner added there appears in
 * {@code --help} by itself (picocli's {@code ${COMPLETION-CANDIDATES}}).
 */
final class Names {

    /** The solver the command line adds to the registry's: it needs a model and a grid. */
    static final String DCDM = "dcdm";

    private Names() {
    }

    /** Solver names: the registry's, then {@code dcdm}. */
    static final class SolverNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>(Solvers.solverNames());
            if (!names.contains(DCDM)) {
                names.add(DCDM);
            }
            return names.iterator();
        }
    }

    /** Preconditioner names, from the registry. */
    static final class PreconditionerNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Solvers.preconditionerNames().iterator();
        }
    }

    /** Short names of the pretrained DCDM models. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return PretrainedModels.names().iterator();
        }
    }
}

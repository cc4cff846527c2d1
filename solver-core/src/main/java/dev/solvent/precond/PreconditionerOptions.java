package dev.solvent.precond;

/**
 * Settings of the preconditioners that have any beyond the solver options: the incomplete
 * Cholesky factorisations' shift policy and MIC(0)'s relaxation. Immutable; start from
 * {@link #defaults()}.
 *
 * @param shift          what {@code ic0} and {@code mic0} do on a breakdown ({@link ShiftPolicy})
 * @param micRelaxation  MIC(0)'s omega in [0, 1], the fraction of dropped fill moved to the diagonal
 */
public record PreconditionerOptions(ShiftPolicy shift, double micRelaxation) {

    public PreconditionerOptions {
        java.util.Objects.requireNonNull(shift, "shift");
        if (!(micRelaxation >= 0.0 && micRelaxation <= 1.0)) {
            throw new IllegalArgumentException("the MIC relaxation must lie in [0, 1], got " + micRelaxation);
        }
    }

    /** {@link ShiftPolicy#DEFAULT}, MIC relaxation {@value Mic0#DEFAULT_RELAXATION}. */
    public static PreconditionerOptions defaults() {
        return new PreconditionerOptions(ShiftPolicy.DEFAULT, Mic0.DEFAULT_RELAXATION);
    }

    public PreconditionerOptions withShift(ShiftPolicy value) {
        return new PreconditionerOptions(value, micRelaxation);
    }

    public PreconditionerOptions withMicRelaxation(double value) {
        return new PreconditionerOptions(shift, value);
    }
}

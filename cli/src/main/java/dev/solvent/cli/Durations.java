package dev.solvent.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Time limits on the command line: a number with a unit ({@code 90s}, {@code 20m}, {@code 1.5h}),
 * or a bare number in the unit the option has always taken (seconds for {@code ot}, minutes for
 * {@code train-dcdm}), so that existing scripts keep working.
 */
final class Durations {

    private Durations() {
    }

    /** Seconds in {@code text}; {@code bareUnitSeconds} is the unit of a number without one. */
    static double seconds(String text, double bareUnitSeconds) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        double unit = bareUnitSeconds;
        if (t.endsWith("ms")) {
            unit = 1e-3;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3600;
            t = t.substring(0, t.length() - 1);
        }
        double v;
        try {
            v = Double.parseDouble(t.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (for example 90s, 20m, 1.5h)");
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration: it must be finite and not negative");
        }
        return v * unit;
    }

    /** A duration in seconds; a bare number is seconds. */
    static final class Seconds implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return seconds(value, 1);
        }
    }

    /** A duration in minutes; a bare number is minutes. */
    static final class Minutes implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return seconds(value, 60) / 60;
        }
    }
}

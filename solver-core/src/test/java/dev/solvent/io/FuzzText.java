package dev.solvent.io;

/** Prints fuzzer inputs so that a failing case can be copied into a test. */
public final class FuzzText {

    private FuzzText() {
    }

    /** Printable ASCII as is, everything else as {@code \xNN}. */
    public static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte c : b) {
            int v = c & 0xff;
            sb.append(v >= 0x20 && v < 0x7f && v != '\\' ? String.valueOf((char) v) : String.format("\\x%02x", v));
        }
        return sb.toString();
    }
}

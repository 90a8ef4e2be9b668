package dev.tokenstore.jmh.report;

import java.util.Locale;

/**
 * One benchmark result, normalised to operations per second: which operation, on which backend
 * and wrapping, with how many threads. Floors have backend {@code jvm} (the map) or the engine's
 * name, and wrapping {@code floor}.
 *
 * @param operation   the benchmark method, e.g. {@code loadByAccessToken}
 * @param backend     {@code memory}, {@code sqlite}, {@code h2}, {@code postgres} or {@code jvm}
 * @param wrapping    {@code raw}, {@code cached}, ... or {@code floor}
 * @param threads     benchmark threads
 * @param opsPerSec   the score in operations per second
 * @param error       JMH's 99.9% confidence half-width in operations per second, or half the range
 *                    of the iterations when there are too few for one (NaN if unknown)
 */
record Measurement(String operation, String backend, String wrapping, int threads, double opsPerSec, double error) {

    static final String FLOOR = "floor";

    /** Microseconds per operation for one thread (for N threads: wall time per op across them). */
    double microsPerOp() {
        return 1e6 / opsPerSec;
    }

    /** Converts a JMH score in {@code unit} ({@code ops/s}, {@code ops/ms}, {@code ms/op}, ...) to ops/s. */
    static double toOpsPerSecond(double score, String unit) {
        String u = unit.trim().toLowerCase(Locale.ROOT);
        if (u.startsWith("ops/")) {
            return score / secondsOf(u.substring(4));
        }
        if (u.endsWith("/op")) {
            return 1.0 / (score * secondsOf(u.substring(0, u.length() - 3)));
        }
        throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
    }

    /** The error of a score in {@code unit} as ops/s (first-order for time units). */
    static double errorToOpsPerSecond(double score, double error, String unit) {
        if (Double.isNaN(error)) {
            return Double.NaN;
        }
        String u = unit.trim().toLowerCase(Locale.ROOT);
        if (u.startsWith("ops/")) {
            return error / secondsOf(u.substring(4));
        }
        double ops = toOpsPerSecond(score, unit);
        return ops * error / score;
    }

    private static double secondsOf(String unit) {
        switch (unit) {
            case "ns": return 1e-9;
            case "us": return 1e-6;
            case "ms": return 1e-3;
            case "s": return 1;
            case "min": return 60;
            default: throw new IllegalArgumentException("unknown time unit '" + unit + "'");
        }
    }
}

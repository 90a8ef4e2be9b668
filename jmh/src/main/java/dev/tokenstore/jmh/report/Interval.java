package dev.tokenstore.jmh.report;

import java.util.Locale;

/**
 * A measured quantity with the interval it may lie in: a score ± its error, and what follows from
 * such intervals (a ratio of two scores spans from the lowest over the highest to the highest over
 * the lowest). A verdict against a threshold the interval straddles is inconclusive.
 *
 * @param value the point estimate
 * @param low   the lower end (never above {@code value})
 * @param high  the upper end (never below {@code value})
 */
record Interval(double value, double low, double high) {

    /** The ops/s of a measurement ± its error (no interval if the error is unknown). */
    static Interval opsOf(Measurement m) {
        double err = Double.isFinite(m.error()) ? Math.abs(m.error()) : 0;
        // a throughput cannot be negative: a huge error still leaves a (tiny) positive lower end
        return new Interval(m.opsPerSec(), Math.max(m.opsPerSec() - err, m.opsPerSec() * 1e-3), m.opsPerSec() + err);
    }

    /** Microseconds per operation of a measurement, as an interval. */
    static Interval microsOf(Measurement m) {
        Interval ops = opsOf(m);
        return new Interval(1e6 / ops.value, 1e6 / ops.high, 1e6 / ops.low);
    }

    /** {@code this / other}, with the widest interval the two allow. */
    Interval over(Interval other) {
        return new Interval(value / other.value, low / other.high, high / other.low);
    }

    Interval times(double factor) {
        return new Interval(value * factor, low * factor, high * factor);
    }

    /** MET if all of it is at least {@code threshold}, NOT_MET if all of it is below, else INCONCLUSIVE. */
    Targets.Status atLeast(double threshold) {
        return low >= threshold ? Targets.Status.MET : high < threshold ? Targets.Status.NOT_MET : Targets.Status.INCONCLUSIVE;
    }

    /** MET if all of it is at most {@code threshold}, NOT_MET if all of it is above, else INCONCLUSIVE. */
    Targets.Status atMost(double threshold) {
        return high <= threshold ? Targets.Status.MET : low > threshold ? Targets.Status.NOT_MET : Targets.Status.INCONCLUSIVE;
    }

    /** E.g. {@code 0.93x [0.81-1.07]}. */
    String ratio() {
        return String.format(Locale.ROOT, "%sx [%s-%s]", num(value), num(low), num(high));
    }

    /** E.g. {@code 0.46 us [0.41-0.52]}. */
    String micros() {
        return String.format(Locale.ROOT, "%s us [%s-%s]", num(value), num(low), num(high));
    }

    /** E.g. {@code 93% [81-107%]}. */
    String percent() {
        return String.format(Locale.ROOT, "%.0f%% [%.0f-%.0f%%]", 100 * value, 100 * low, 100 * high);
    }

    private static String num(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}

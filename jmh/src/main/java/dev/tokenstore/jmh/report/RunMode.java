package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Ops;
import java.util.List;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How much the comparison command measures, and with which JMH settings: the quick curated run
 * (the default: one fork, so its ± is only the spread of two iterations), {@code --verdicts} (only
 * the benchmarks behind the DESIGN.md targets, with 2 forks, so each figure has a real confidence
 * interval), {@code --scale} (cost against the number of stored sessions) and {@code --full}
 * (JMH's own defaults).
 */
enum RunMode {
    QUICK("quick: 1x1s warmup, 2x1s measurement, 1 fork"),
    VERDICTS("verdicts: 2 forks x (2x1s warmup, 4x1s measurement)"),
    SCALE("scale: 1 fork x (1x1s warmup, 3x1s measurement), at 20k, 200k and 1M sessions"),
    FULL("full JMH settings (annotations / 5 forks x 5x10s)");

    /** Stored sessions per database in the scaling run. */
    static final List<Integer> SCALE_SIZES = List.of(20_000, 200_000, 1_000_000);
    /** Expired sessions per cleanup call in the scaling run (fixed while the table grows). */
    static final int SCALE_EXPIRED = 10_000;

    private final String description;

    RunMode(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** The groups this mode runs when {@code --ops} does not pick. */
    List<Ops.Group> defaultGroups() {
        return switch (this) {
            case QUICK -> Ops.GROUPS.stream().filter(Ops.Group::curated).toList();
            case VERDICTS -> Ops.VERDICTS;
            case SCALE -> Ops.SCALE;
            case FULL -> Ops.GROUPS;
        };
    }

    /** The groups {@code --ops} names are looked up in. */
    List<Ops.Group> knownGroups() {
        return switch (this) {
            case VERDICTS -> Ops.VERDICTS;
            case SCALE -> Ops.SCALE;
            default -> Ops.GROUPS;
        };
    }

    /** Applies this mode's warmup, measurement and fork settings (FULL keeps JMH's). */
    void apply(ChainedOptionsBuilder b) {
        switch (this) {
            case QUICK -> b.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1)).forks(1);
            case VERDICTS -> b.warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(4).measurementTime(TimeValue.seconds(1)).forks(2);
            case SCALE -> b.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1)).forks(1);
            case FULL -> { }
        }
    }
}

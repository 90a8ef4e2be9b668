package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Backend;
import dev.tokenstore.jmh.Ops;
import dev.tokenstore.jmh.Wrapping;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The measurements of a comparison run, in report order (operation, backend, wrapping), with
 * look-ups for ratios: every measurement against the raw store of the same backend and operation.
 */
final class Results {
    private final List<Measurement> measurements;

    Results(List<Measurement> measurements) {
        List<Measurement> sorted = new ArrayList<>(measurements);
        sorted.sort(Comparator.comparingInt((Measurement m) -> Ops.order(m.operation()))
                .thenComparing(Measurement::operation)
                .thenComparingInt(m -> backendOrder(m.backend()))
                .thenComparingInt(m -> wrappingOrder(m.wrapping())));
        this.measurements = List.copyOf(sorted);
    }

    /** Converts JMH results (from one or several runs). */
    static Results from(Collection<RunResult> runs) {
        List<Measurement> out = new ArrayList<>();
        for (RunResult run : runs) {
            BenchmarkParams params = run.getParams();
            Result<?> primary = run.getPrimaryResult();
            List<Double> iterations = new ArrayList<>();
            for (BenchmarkResult b : run.getBenchmarkResults()) {
                for (IterationResult i : b.getIterationResults()) {
                    iterations.add(i.getPrimaryResult().getScore());
                }
            }
            Map<String, String> values = new HashMap<>();
            for (String key : params.getParamsKeys()) {
                values.put(key, params.getParam(key));
            }
            out.add(measurement(params.getBenchmark(), values, params.getThreads(), primary.getScore(),
                    primary.getScoreError(), primary.getScoreUnit(), iterations));
        }
        return new Results(out);
    }

    /**
     * One measurement from a JMH result's parts.
     *
     * @param iterations the measurement iterations' scores, for the spread when JMH has no error
     */
    static Measurement measurement(String benchmark, Map<String, String> params, int threads, double score,
            double scoreError, String unit, List<Double> iterations) {
        String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        String backend = params.get("backend");
        String wrapping = params.get("wrapping");
        if (wrapping == null) {
            wrapping = Measurement.FLOOR;
            if (backend == null) {
                backend = "jvm";
            }
        }
        double error = Measurement.errorToOpsPerSecond(score, scoreError, unit);
        if (!Double.isFinite(error)) {
            error = halfRange(iterations, unit);
        }
        return new Measurement(operation, backend, wrapping, threads, Measurement.toOpsPerSecond(score, unit), error);
    }

    /**
     * Half the range of the measurement iterations in ops/s: the spread shown when JMH has too few
     * iterations for a confidence interval (the quick run's two). NaN with fewer than two.
     */
    private static double halfRange(List<Double> iterations, String unit) {
        if (iterations.size() < 2) {
            return Double.NaN;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double score : iterations) {
            double ops = Measurement.toOpsPerSecond(score, unit);
            min = Math.min(min, ops);
            max = Math.max(max, ops);
        }
        return (max - min) / 2;
    }

    List<Measurement> all() {
        return measurements;
    }

    boolean isEmpty() {
        return measurements.isEmpty();
    }

    Optional<Measurement> find(String operation, String backend, String wrapping) {
        return measurements.stream().filter(m -> m.operation().equals(operation) && m.backend().equals(backend)
                && m.wrapping().equals(wrapping)).findFirst();
    }

    /** This measurement's ops/s over the raw store's for the same operation and backend, if measured. */
    Optional<Double> ratioToRaw(Measurement m) {
        if (Measurement.FLOOR.equals(m.wrapping())) {
            return Optional.empty();
        }
        return find(m.operation(), m.backend(), Wrapping.RAW.paramName()).map(raw -> m.opsPerSec() / raw.opsPerSec());
    }

    /** Backends present, in the usual order. */
    List<String> backends() {
        return measurements.stream().map(Measurement::backend).distinct()
                .sorted(Comparator.comparingInt(Results::backendOrder)).toList();
    }

    /** Operations present, in report order. */
    List<String> operations() {
        return measurements.stream().map(Measurement::operation).distinct().toList();
    }

    static int backendOrder(String backend) {
        for (Backend b : Backend.values()) {
            if (b.paramName().equals(backend)) {
                return b.ordinal();
            }
        }
        return Objects.equals(backend, "jvm") ? -1 : 99;
    }

    static int wrappingOrder(String wrapping) {
        for (Wrapping w : Wrapping.values()) {
            if (w.paramName().equals(wrapping)) {
                return w.ordinal();
            }
        }
        return 99;
    }
}

package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the circuit breaker adds to one store call, isolated from the database: the store's own
 * {@link CircuitGuard} (in this package, which is why the benchmark lives here) around a call that
 * does no I/O, breaker on against off, 1 and 2 threads. The database calls it guards take tens of
 * microseconds or more ({@code BreakerBenchmark} measures them), so the breaker's share of a call
 * is this difference divided by that time. Run with:
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main BreakerOverheadBenchmark -f 2 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BreakerOverheadBenchmark {
    private static final byte[] KEY = "breaker-overhead-bench-key-32-b!".getBytes(StandardCharsets.US_ASCII);

    @Param({"on", "off"})
    public String breaker;

    private CircuitGuard guard;
    private long counter;

    @Setup
    public void open() {
        if (!breaker.equals("on") && !breaker.equals("off")) {
            throw new IllegalArgumentException("breaker must be on or off, was " + breaker);
        }
        TokenStoreOptions options = TokenStoreOptions.builder().encryptionKey(KEY)
                .property("jdbc.breaker.enabled", breaker.equals("on") ? "true" : "false").build();
        guard = new CircuitGuard(BreakerSettings.from(options), new SqlDialect() {
            @Override
            public String name() {
                return "none";
            }
        }, "bench", Clock.systemUTC());
    }

    @Benchmark
    public long call() {
        return guard.call("bench", () -> ++counter);
    }

    @Benchmark
    @Threads(2)
    public long call2t() {
        return guard.call("bench", () -> counter);
    }
}

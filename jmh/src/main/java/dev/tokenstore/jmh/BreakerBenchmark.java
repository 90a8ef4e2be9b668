package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the circuit breaker costs while the database is up: the raw store's read
 * ({@code loadSessionByAccessToken} of a random preloaded session, 1 and 2 threads) and write
 * ({@code storeSession} of a new session) with the breaker on (the default) and off
 * ({@code jdbc.breaker.enabled=false}), same backend, same run. The target is "within 3%"; read it
 * against the ± of each figure. Run it with, e.g.:
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main BreakerBenchmark -p backend=sqlite,postgres -rf json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BreakerBenchmark {

    @Param({"sqlite", "h2", "postgres"})
    public String backend;

    /** {@code on}: the default breaker in front of every call; {@code off}: {@code jdbc.breaker.enabled=false}. */
    @Param({"on", "off"})
    public String breaker;

    @Param({"20000"})
    public int preload;

    private StoreFixture fixture;
    private TokenStore store;

    @Setup(Level.Trial)
    public void openStore() {
        if (!breaker.equals("on") && !breaker.equals("off")) {
            throw new IllegalArgumentException("breaker must be on or off, was " + breaker);
        }
        fixture = StoreFixture.open(Backend.of(backend), Wrapping.of("raw"), preload, StoreState.SEED,
                StoreFixture.Lookup.NONE, b -> b.property("jdbc.breaker.enabled", breaker.equals("on") ? "true" : "false"));
        store = fixture.store();
    }

    @TearDown(Level.Trial)
    public void closeStore() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Benchmark
    public Optional<StoredSession> load() {
        return store.loadSessionByAccessToken(fixture.accessToken(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    @Benchmark
    @Threads(2)
    public Optional<StoredSession> load2t() {
        return store.loadSessionByAccessToken(fixture.accessToken(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    @Benchmark
    public void store(Writer writer) {
        store.storeSession(writer.factory.session(Instant.now()));
    }
}

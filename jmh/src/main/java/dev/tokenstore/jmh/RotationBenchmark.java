package dev.tokenstore.jmh;

import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * A refresh, the atomic way against the two calls it replaces, on the raw store: each thread keeps
 * its own session and refreshes it again and again, either with {@code rotateSession} (one
 * transaction: take the live row, write the next session, retire the presented token) or with
 * {@code loadSessionByRefreshToken} then {@code storeSession} (not atomic, no reuse detection).
 * 1 and 16 threads. Target: rotation at least as fast as load plus store. Run with:
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main RotationBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -rf json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RotationBenchmark {

    @Param({"memory", "sqlite", "h2", "postgres"})
    public String backend;

    @Param({"20000"})
    public int preload;

    StoreFixture fixture;
    TokenStore store;

    @Setup(Level.Trial)
    public void open() {
        fixture = StoreFixture.open(Backend.of(backend), Wrapping.of("raw"), preload, StoreState.SEED);
        store = fixture.store();
    }

    @TearDown(Level.Trial)
    public void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** One thread's session, refreshed by every invocation of that thread. */
    @State(Scope.Thread)
    public static class Chain {
        private static final AtomicLong SEEDS = new AtomicLong(StoreState.SEED * 17);
        final SessionFactory factory = new SessionFactory(SEEDS.incrementAndGet());
        StoredSession current;

        @Setup(Level.Trial)
        public void start(RotationBenchmark bench) {
            current = factory.session(Instant.now());
            bench.store.storeSession(current);
        }
    }

    @Benchmark
    public Rotation rotate(Chain chain) {
        return rotateOnce(chain);
    }

    @Benchmark
    @Threads(16)
    public Rotation rotate16(Chain chain) {
        return rotateOnce(chain);
    }

    @Benchmark
    public StoredSession loadThenStore(Chain chain) {
        return loadThenStoreOnce(chain);
    }

    @Benchmark
    @Threads(16)
    public StoredSession loadThenStore16(Chain chain) {
        return loadThenStoreOnce(chain);
    }

    private Rotation rotateOnce(Chain chain) {
        StoredSession next = chain.factory.rotated(chain.current);
        Rotation result = store.rotateSession(chain.current.refreshToken(), next);
        if (!(result instanceof Rotation.Rotated)) {
            throw new IllegalStateException("a lone refresh did not rotate: " + result);
        }
        chain.current = next;
        return result;
    }

    private StoredSession loadThenStoreOnce(Chain chain) {
        StoredSession current = store.loadSessionByRefreshToken(chain.current.refreshToken()).orElseThrow();
        StoredSession next = chain.factory.rotated(current);
        store.storeSession(next);
        chain.current = next;
        return next;
    }
}

package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.cache.CachingTokenStore;
import java.time.Instant;
import java.util.Random;
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

/**
 * Cross-instance visibility through the change feed: two store instances A and B over one
 * database, B behind a {@link CachingTokenStore} that follows the feed. Before each invocation
 * (not timed) a new session is stored on A and cached by B; the timed part is A's revocation
 * ({@code deleteSessionById}, its commit included) until B's next lookup by access token misses.
 * Sample mode, so JMH prints p50, p90, p99. Targets: p99 ≤ 20 ms on PostgreSQL, ≤ poll interval
 * (50 ms) + 20 ms on SQLite and H2. Run with:
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main FeedVisibilityBenchmark -f 1 -wi 2 -i 5 -w 2s -r 4s -rf json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FeedVisibilityBenchmark {

    @Param({"sqlite", "h2", "postgres"})
    public String backend;

    private Database db;
    private TokenStore a;
    private TokenStore rawB;
    private CachingTokenStore b;
    private SessionFactory factory;
    private StoredSession current;

    @Setup(Level.Trial)
    public void open() {
        db = Backend.of(backend).create();
        byte[] key = new byte[32];
        new Random(StoreState.SEED).nextBytes(key);
        TokenStoreOptions options = db.options(key, TokenStoreOptions.DEFAULT_POOL_SIZE);
        a = TokenStores.open(options);
        rawB = TokenStores.open(options);
        b = CachingTokenStore.builder(rawB).maxEntries(Wrappers.CACHE_ENTRIES).build();
        factory = new SessionFactory(StoreState.SEED);
    }

    /**
     * A fresh session, stored on A and cached by B, after B's feed has delivered the store itself
     * (so only the revocation can make B's entry stale). Not timed.
     */
    @Setup(Level.Invocation)
    public void storeAndCache() {
        current = factory.session(Instant.now());
        a.storeSession(current);
        long stored = System.nanoTime();
        while (System.nanoTime() - b.changeFeedLag().orElseThrow().toNanos() - stored < 0) {
            Thread.onSpinWait(); // B's feed has not confirmed past the store yet
        }
        while (b.loadSessionByAccessToken(current.accessToken()).isEmpty()) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    public boolean revokeOnAUntilBMisses() {
        boolean deleted = a.deleteSessionById(current.sessionId());
        while (b.loadSessionByAccessToken(current.accessToken()).isPresent()) {
            Thread.onSpinWait();
        }
        return deleted;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (db != null) {
            db.close();
        }
    }
}

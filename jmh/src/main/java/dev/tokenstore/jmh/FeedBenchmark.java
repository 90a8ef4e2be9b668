package dev.tokenstore.jmh;

import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
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
 * What the change feed costs, same backend, same run, {@code feed=on} (the default) against
 * {@code feed=off} ({@code jdbc.changeFeed=off} on the store, {@code changeFeed(false)} on the
 * cache): raw {@code storeSession} with 1 and 16 threads (the change-log row or the
 * {@code NOTIFY} is part of each write), group commit with 16 writers (one change event per
 * batch), and a cached hit by access token (the cache checks the feed's liveness on every hit,
 * and with the feed on a poller or listener thread runs beside it). Targets: every write figure
 * at least 90% of off, the hit within 10% of off. Run with:
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main FeedBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -rf json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FeedBenchmark {

    @Param({"sqlite", "h2", "postgres"})
    public String backend;

    @Param({"on", "off"})
    public String feed;

    @Param({"20000"})
    public int preload;

    private StoreFixture fixture;
    private TokenStore raw;
    private BufferedTokenStore groupCommit;
    private CachingTokenStore cached;

    @Setup(Level.Trial)
    public void open() {
        if (!feed.equals("on") && !feed.equals("off")) {
            throw new IllegalArgumentException("feed must be on or off, was " + feed);
        }
        fixture = StoreFixture.open(Backend.of(backend), Wrapping.of("raw"), preload, StoreState.SEED,
                StoreFixture.Lookup.NONE, b -> b.property("jdbc.changeFeed", feed));
        raw = fixture.store();
        groupCommit = Wrappers.buffered(new Unclosed(raw), AckMode.GROUP_COMMIT);
        cached = CachingTokenStore.builder(new Unclosed(raw)).maxEntries(Wrappers.CACHE_ENTRIES)
                .changeFeed(feed.equals("on")).build();
        for (int i = 0; i < fixture.size(); i++) {
            cached.loadSessionByAccessToken(fixture.accessToken(i)).orElseThrow();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (fixture != null) {
            System.out.println("  [feed " + feed + " on " + backend + "] cache " + cached.stats()); // JMH's log
            cached.close();
            groupCommit.close();
            fixture.close();
        }
    }

    @Benchmark
    public void store(Writer writer) {
        raw.storeSession(writer.factory.session(Instant.now()));
    }

    @Benchmark
    @Threads(16)
    public void store16(Writer writer) {
        raw.storeSession(writer.factory.session(Instant.now()));
    }

    @Benchmark
    @Threads(16)
    public void groupCommit16(Writer writer) {
        groupCommit.storeSession(writer.factory.session(Instant.now()));
    }

    @Benchmark
    public Optional<StoredSession> cachedHit() {
        return cached.loadSessionByAccessToken(fixture.accessToken(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    /**
     * The fixture's store seen by a wrapper that must not close it (the fixture does); every
     * capability passes through (its features are the store's).
     */
    static final class Unclosed extends ForwardingTokenStore {
        private final TokenStore store;

        Unclosed(TokenStore store) {
            this.store = store;
        }

        @Override
        protected TokenStore delegate() {
            return store;
        }

        @Override
        public void close() {
        }
    }
}

package dev.tokenstore.jmh;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.redis.RedisTokenStore;
import dev.tokenstore.redis.testing.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Redis backend against its floor, on an embedded redis-server (6.2, loopback, AOF off): a
 * hand-written Lettuce {@code GET} and {@code SET} of a value the size of a stored session record
 * (the floor), the raw store's lookup by access token and single {@code storeSession}, a bulk store
 * of 1,000 sessions against a loop of 1,000 single stores (both scored per session), and a cached
 * hit. Not part of {@code Compare} yet: run it on its own (see the backend's README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisBenchmark {
    static final int PRELOAD = 10_000;
    static final int BATCH = 1000;
    private static final byte[] KEY = "redis-benchmark-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII);

    private RedisTestServer server;
    private RedisTokenStore store;
    private TokenStore cached;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> floor;
    private final List<StoredSession> stored = new ArrayList<>();
    private final List<String> floorKeys = new ArrayList<>();
    private String floorValue;
    private StoredSession hot;
    private final SessionFactory factory = new SessionFactory(42);
    private RedisTokenStore other;
    private dev.tokenstore.ChangeSubscription subscription;
    private volatile String lastSeen = "";

    @Setup(Level.Trial)
    public void setUp() {
        server = RedisTestServer.startNew(List.of());
        store = RedisTokenStore.open(TokenStoreOptions.builder().url(server.url()).encryptionKey(KEY)
                .clock(Clock.systemUTC()).build());
        Instant now = Instant.now();
        List<StoredSession> preload = factory.sessions(now, PRELOAD);
        for (int from = 0; from < PRELOAD; from += BATCH) {
            store.bulkStoreSessions(preload.subList(from, from + BATCH));
        }
        stored.addAll(preload);
        hot = stored.get(0);
        cached = CachingTokenStore.builder(store).build();
        cached.loadSessionByAccessToken(hot.accessToken());
        other = RedisTokenStore.open(TokenStoreOptions.builder().url(server.url()).encryptionKey(KEY)
                .clock(Clock.systemUTC()).build());
        subscription = other.subscribe(e -> e.sessionIdHashes().forEach(h -> lastSeen = h));
        client = RedisClient.create(server.url());
        connection = client.connect();
        floor = connection.sync();
        // the floor's value: as long as a stored session record (hash fields d and i, ciphertexts)
        int size = String.join("", floor.hgetall(firstSessionKey()).values()).length();
        floorValue = "x".repeat(size);
        for (int i = 0; i < PRELOAD; i++) {
            String key = "floor:" + ChangeEvent.keyOf("k" + i);
            floor.set(key, floorValue);
            floorKeys.add(key);
        }
    }

    private String firstSessionKey() {
        io.lettuce.core.KeyScanCursor<String> c = floor.scan(io.lettuce.core.ScanArgs.Builder.matches("ts:*:s:*").limit(100));
        return c.getKeys().get(0);
    }

    /** A fresh batch of 1,000 sessions before each invocation (only the bulk benchmarks use it). */
    @State(Scope.Thread)
    public static class Batch {
        private final SessionFactory factory = new SessionFactory(7);
        List<StoredSession> sessions;

        @Setup(Level.Invocation)
        public void next() {
            sessions = factory.sessions(Instant.now(), BATCH);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        subscription.close();
        other.close();
        cached.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        server.close();
    }

    @Benchmark
    public String floorGet() {
        return floor.get(floorKeys.get(ThreadLocalRandom.current().nextInt(PRELOAD)));
    }

    @Benchmark
    public String floorSet() {
        return floor.set(floorKeys.get(ThreadLocalRandom.current().nextInt(PRELOAD)), floorValue);
    }

    @Benchmark
    public Optional<StoredSession> rawLoadByAccessToken() {
        return store.loadSessionByAccessToken(stored.get(ThreadLocalRandom.current().nextInt(PRELOAD)).accessToken());
    }

    @Benchmark
    public Optional<StoredSession> cachedHit() {
        return cached.loadSessionByAccessToken(hot.accessToken());
    }

    @Benchmark
    public void rawStoreSession() {
        store.storeSession(factory.session(Instant.now()));
    }

    /**
     * Cross-instance visibility: a session stored through this store until the other store's
     * change-feed subscriber has it (store round trips plus feed delay); see its percentiles.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public void crossInstanceVisibility() {
        StoredSession s = factory.session(Instant.now());
        String hash = ChangeEvent.keyOf(s.sessionId());
        store.storeSession(s);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!hash.equals(lastSeen) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void bulkStore1000(Batch batch) {
        store.bulkStoreSessions(batch.sessions);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void loopStore1000(Batch batch) {
        for (StoredSession s : batch.sessions) {
            store.storeSession(s);
        }
    }
}

package dev.tokenstore.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meters read from a {@link SimpleMeterRegistry} over a real SQLite store, cached and buffered. */
class MetricsOverRealStoresTest {
    private static final byte[] KEY = "metrics-test-key-of-exactly-32b!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock();
    private final TestRecords data = new TestRecords(clock);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> secrets = new ArrayList<>();
    private TokenStore sqlite;
    private BufferedTokenStore buffered;
    private CachingTokenStore cached;
    private TimedTokenStore timed;
    private final CountDownLatch batchSeen = new CountDownLatch(1);

    @BeforeEach
    void openStack() {
        sqlite = TokenStores.open(TokenStoreOptions.builder().url("jdbc:sqlite:" + dir.resolve("m.db"))
                .encryptionKey(KEY).clock(clock).build());
        buffered = BufferedTokenStore.builder(sqlite).clock(clock).maxDelay(Duration.ofHours(1)).build();
        cached = CachingTokenStore.builder(buffered).clock(clock).build();
        timed = TimedTokenStore.wrap(cached, registry);
        new TokenStoreMetrics(timed).bindTo(registry);
        buffered.addBatchListener((sessions, nanos) -> batchSeen.countDown()); // after the meters' listener
    }

    @AfterEach
    void close() {
        timed.close();
    }

    @Test
    void cacheMetersFollowMicrometersCacheConventions() {
        StoredSession s = remember(data.session("user-" + TestRecords.token()));
        timed.storeSession(s);
        timed.loadSessionByAccessToken(s.accessToken());    // miss, load (sees the buffered write)
        timed.loadSessionByAccessToken(s.accessToken());    // hit
        timed.loadSessionById(remember("sid-missing"));     // miss, load of "not found"
        timed.loadSessionById("sid-missing");               // negative hit

        assertEquals(2.0, count("cache.gets", "result", "hit"), "a cached \"not found\" is a hit, as in Caffeine");
        assertEquals(2.0, count("cache.gets", "result", "miss"));
        assertEquals(2.0, count("cache.load", "result", "success"));
        assertEquals(0.0, count("cache.load", "result", "failure"));
        assertEquals(2.0, count("cache.puts"));
        assertEquals(0.0, count("cache.evictions"));
        assertEquals(1.0, count("tokenstore.cache.negative.hits"));
        assertTrue(count("tokenstore.cache.invalidations") >= 1.0);
        assertTrue(registry.get("cache.size").tag("cache", "tokenstore").gauge().value() >= 2.0);
        assertTrue(registry.get("cache.load.duration").timeGauge().value(TimeUnit.NANOSECONDS) > 0);
        assertNoSecretInAnyTag();
    }

    @Test
    void bufferMetersCountWritesBatchesAndFlushLatency() throws Exception {
        for (int i = 0; i < 3; i++) {
            timed.storeSession(remember(data.session("user-" + i)));
        }
        assertEquals(3.0, registry.get("tokenstore.buffer.pending").tag("buffer", "tokenstore").gauge().value());
        buffered.flush();
        assertTrue(batchSeen.await(30, TimeUnit.SECONDS));

        assertEquals(0.0, registry.get("tokenstore.buffer.pending").gauge().value());
        assertEquals(3.0, count("tokenstore.buffer.written"));
        assertEquals(1.0, count("tokenstore.buffer.batches"));
        assertEquals(0.0, count("tokenstore.buffer.retries"));
        assertEquals(0.0, count("tokenstore.buffer.failures"));
        assertEquals(0.0, count("tokenstore.buffer.coalesced"));
        assertEquals(1, registry.get("tokenstore.buffer.batch.size").summary().count());
        assertEquals(3.0, registry.get("tokenstore.buffer.batch.size").summary().totalAmount());
        assertEquals(1, registry.get("tokenstore.buffer.flush").timer().count());
        assertNoSecretInAnyTag();
    }

    /**
     * Group commit with one caller: the caller finds the buffer idle and commits its write itself,
     * as a batch of one; the meters count it as one, before {@code storeSession} returns.
     */
    @Test
    void aLoneGroupCommitWriteIsMeteredAsABatchOfOne() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        TokenStore db = TokenStores.open(TokenStoreOptions.builder().url("jdbc:sqlite:" + dir.resolve("gc.db"))
                .encryptionKey(KEY).clock(clock).build());
        try (BufferedTokenStore groupCommit = BufferedTokenStore.builder(db).clock(clock)
                .ackMode(AckMode.GROUP_COMMIT).build()) {
            new TokenStoreMetrics(groupCommit).bindTo(own);
            for (int i = 1; i <= 2; i++) {
                StoredSession s = remember(data.session("user-gc-" + i));
                groupCommit.storeSession(s);
                assertEquals(s.sessionId(), db.loadSessionById(s.sessionId()).orElseThrow().sessionId());
                assertEquals(i, own.get("tokenstore.buffer.batch.size").summary().count());
                assertEquals(i, own.get("tokenstore.buffer.batch.size").summary().totalAmount(), "batches of one");
                assertEquals(i, own.get("tokenstore.buffer.flush").timer().count());
                assertEquals(i, own.get("tokenstore.buffer.batches").functionCounter().count());
                assertEquals(i, own.get("tokenstore.buffer.written").functionCounter().count());
            }
            assertEquals(0.0, own.get("tokenstore.buffer.pending").gauge().value());
        }
    }

    @Test
    void operationsAreTimedByOperationAndOutcome() {
        StoredSession s = remember(data.session("user-" + TestRecords.token()));
        timed.storeSession(s);
        timed.loadSessionById(s.sessionId());
        timed.loadSessionById(remember("sid-nobody"));
        assertThrows(IllegalArgumentException.class, () -> timed.loadSessionById(" "));
        assertFalse(timed.deleteClient(remember("client-nobody")));
        timed.cleanupExpired();

        assertEquals(1, timer("storeSession", "success"));
        assertEquals(1, timer("loadSessionById", "success"));
        assertEquals(1, timer("loadSessionById", "not_found"));
        assertEquals(1, timer("loadSessionById", "invalid"));
        assertEquals(1, timer("deleteClient", "not_found"));
        assertEquals(1, timer("cleanupExpired", "success"));
        assertTrue(registry.find(OperationTimers.NAME).tag("operation", "consumeState").timers().isEmpty(),
                "operations never called register no timers");
        assertNoSecretInAnyTag();
    }

    @Test
    void storeFailuresAreTimedAsErrorsAndRethrown() {
        TimedTokenStore overClosed = TimedTokenStore.wrap(sqlite, registry, "closed", List.of());
        sqlite.close();
        assertThrows(IllegalStateException.class, () -> overClosed.loadClient("c1"));
        assertEquals(1, registry.get(OperationTimers.NAME).tag("store", "closed").tag("operation", "loadClient")
                .tag("outcome", "error").timer().count());
    }

    @Test
    void theTimedDecoratorKeepsTheDelegatesCapabilitiesAndTimesThem() {
        TimedTokenStore overBackend = TimedTokenStore.wrap(sqlite, registry, "backend", List.of());
        assertTrue(overBackend.features().bulk().isPresent());
        assertTrue(overBackend.features().transactions().isPresent());
        StoredSession a = remember(data.session("user-a"));
        StoredSession b = remember(data.session("user-b"));
        overBackend.features().bulk().orElseThrow().bulkStoreSessions(List.of(a, b));
        assertEquals(2, overBackend.features().bulk().orElseThrow().bulkDeleteSessionsByHash(
                List.of(TokenHash.sha256Hex(a.accessToken()), TokenHash.sha256Hex(b.accessToken()))));
        overBackend.features().transactions().orElseThrow().inTransaction(tx -> tx.loadClient("c1"));
        StoredSession c = remember(data.session("user-c"));
        overBackend.storeSession(c);
        StoredSession next = remember(data.rotated(c));
        assertInstanceOf(dev.tokenstore.Rotation.Rotated.class, overBackend.rotateSession(c.refreshToken(), next));
        assertTrue(overBackend.features().changeFeed().isPresent(), "the feed passes through");
        List<dev.tokenstore.ChangeEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (dev.tokenstore.ChangeSubscription ignored = overBackend.features().changeFeed().orElseThrow().subscribe(heard::add)) {
            StoredSession d = remember(data.session("user-d"));
            String key = dev.tokenstore.ChangeEvent.keyOf(d.sessionId());
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            overBackend.storeSession(d);
            while (heard.stream().noneMatch(e -> e.sessionIdHashes().contains(key))) {
                assertTrue(System.nanoTime() < deadline, "the backend's change event reaches a subscriber of the timed store");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
        }
        for (String op : List.of("bulkStoreSessions", "bulkDeleteSessionsByHash", "inTransaction", "rotateSession")) {
            assertEquals(1, registry.get(OperationTimers.NAME).tag("store", "backend").tag("operation", op)
                    .timer().count(), op);
        }
        assertFalse(TimedTokenStore.wrap(new dev.tokenstore.InMemoryTokenStore(clock), registry)
                .features().bulk().isPresent());
        assertEquals(List.of(timed, cached, buffered, sqlite), timed.layers());
    }

    private StoredSession remember(StoredSession s) {
        secrets.add(s.sessionId());
        secrets.add(s.accessToken());
        secrets.add(s.userInfo().userId());
        if (s.refreshToken() != null) {
            secrets.add(s.refreshToken());
        }
        return s;
    }

    private String remember(String value) {
        secrets.add(value);
        return value;
    }

    private double count(String name, String... tags) {
        return registry.get(name).tag(name.contains("cache") ? "cache" : "buffer", "tokenstore")
                .tags(tags).functionCounter().count();
    }

    private long timer(String operation, String outcome) {
        return registry.get(OperationTimers.NAME).tag("store", "tokenstore").tag("operation", operation)
                .tag("outcome", outcome).timer().count();
    }

    private void assertNoSecretInAnyTag() {
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                for (String secret : secrets) {
                    assertFalse(tag.getValue().contains(secret), meter.getId() + " carries a secret");
                }
            }
        }
    }
}

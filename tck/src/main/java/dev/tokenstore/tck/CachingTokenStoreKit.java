package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.cache.CacheStats;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.tck.caching.CountingTokenStore;
import dev.tokenstore.tck.caching.CountingTokenStore.Hold;
import dev.tokenstore.tck.caching.CountingTokenStore.Read;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link CachingTokenStore} as tests, run over a real backend: read-through
 * caching with negative entries, invalidation on every write path, expiry capped by the record's
 * expiry and {@code ttlCap} minus {@code skew}, stampede protection, the bound, delegate failures
 * and capability pass-through. Uses only the {@link TokenStore} API and the {@link TestStorage}
 * hooks, so any backend runs it:
 *
 * <pre>{@code
 * class MyBackendCachingTest extends CachingTokenStoreKit {
 *     protected TestStorage newStorage() { return new MyBackendStorage(); }
 * }
 * }</pre>
 *
 * <p>Each test gets {@link #cached}: a cache (built with the kit's {@link #clock}) over
 * {@link #backend}, which counts the reads that reach {@link #raw}, the backend's own store.
 * Checks that need a capability the backend lacks, or data shared between two opens, are
 * reported as skipped.
 */
public abstract class CachingTokenStoreKit extends StoreKit {
    /** The kit's {@code ttlCap}. */
    protected static final Duration TTL_CAP = Duration.ofMinutes(5);
    /** The kit's {@code skew}. */
    protected static final Duration SKEW = Duration.ofSeconds(1);
    /** The kit's {@code negativeTtl}. */
    protected static final Duration NEGATIVE_TTL = Duration.ofSeconds(2);
    private static final Duration MILLI = Duration.ofMillis(1);

    /** The backend's store, not cached. */
    protected TokenStore raw;
    /** {@link #raw} with its reads counted: the delegate of {@link #cached}. */
    protected CountingTokenStore backend;
    /** The cache under test. */
    protected CachingTokenStore cached;

    @BeforeEach
    void openCache() {
        raw = openRaw(b -> b);
        backend = new CountingTokenStore(raw);
        cached = cacheOver(backend, b -> b);
    }

    /** A cache over {@code delegate} with the kit's options (adjusted), closed after the test. */
    protected CachingTokenStore cacheOver(TokenStore delegate, UnaryOperator<CachingTokenStore.Builder> adjust) {
        CachingTokenStore.Builder builder = CachingTokenStore.builder(delegate).clock(clock).maxEntries(10_000)
                .ttlCap(TTL_CAP).skew(SKEW).negativeTtl(NEGATIVE_TTL);
        return track(adjust.apply(builder).build());
    }

    private StoredSession stored() {
        StoredSession s = data.session();
        cached.storeSession(s);
        return s;
    }

    /** Looks the session up by all three paths through the cache, so each path is cached. */
    private void warm(TokenStore store, StoredSession s) {
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
    }

    private void assertGone(TokenStore store, StoredSession s) {
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()), "by access token");
        assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()), "by id");
        if (s.refreshToken() != null) {
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()), "by refresh token");
        }
    }

    private void assertFound(TokenStore store, StoredSession s) {
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()), "by access token");
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()), "by id");
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()), "by refresh token");
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("several instances over the same data")
    class SeveralInstances extends SeveralInstancesContract {
        @Override
        CachingTokenStoreKit kit() {
            return CachingTokenStoreKit.this;
        }
    }

    @Nested
    @DisplayName("read-through: repeat reads are answered from memory")
    class ReadThrough {
        @Test
        @DisplayName("a session is loaded once per lookup path, then served from memory")
        void sessionsOncePerPath() {
            StoredSession s = stored();
            for (int i = 0; i < 3; i++) {
                warm(cached, s);
            }
            assertEquals(1, backend.reads(Read.ACCESS));
            assertEquals(1, backend.reads(Read.ID));
            assertEquals(1, backend.reads(Read.REFRESH));
        }

        @Test
        @DisplayName("lookup paths never cross: a cached refresh token or id is no access token, and back")
        void pathsNeverCross() {
            StoredSession s = stored();
            warm(cached, s);
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.refreshToken()), "refresh token as access token");
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.sessionId()), "session id as access token");
            assertEquals(Optional.empty(), cached.loadSessionByRefreshToken(s.accessToken()), "access token as refresh token");
            assertEquals(Optional.empty(), cached.loadSessionById(s.accessToken()), "access token as session id");
            // and the other way round: misses cached under one path do not hide hits on another
            assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), cached.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("a client is loaded once, then served from memory")
        void clientOnce() {
            ClientRecord c = data.client("client-" + TestData.token().substring(0, 8));
            cached.storeClient(c);
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.of(c), cached.loadClient(c.clientId()));
            }
            assertEquals(1, backend.reads(Read.CLIENT));
        }

        @Test
        @DisplayName("stats count hits, misses, negative hits, loads and the hit rate")
        void stats() {
            CacheStats fresh = cached.stats();
            assertEquals(0, fresh.requestCount());
            assertEquals(0.0, fresh.hitRate());
            StoredSession s = stored();
            cached.loadSessionById(s.sessionId());
            cached.loadSessionById(s.sessionId());
            cached.loadSessionById("sid-missing");
            cached.loadSessionById("sid-missing");
            CacheStats stats = cached.stats();
            assertEquals(1, stats.hits());
            assertEquals(2, stats.misses());
            assertEquals(1, stats.negativeHits());
            assertEquals(2, stats.loads());
            assertEquals(0, stats.loadFailures());
            assertEquals(0.5, stats.hitRate(), 1e-9);
            assertTrue(stats.invalidations() >= 1, "the store through the cache counted as an invalidation");
            assertTrue(stats.entries() >= 2, "the session and the miss are held");
        }

        @Test
        @DisplayName("listClients is not cached: it always shows the backend's clients")
        void listClientsNotCached() {
            ClientRecord a = data.client("a-client");
            cached.storeClient(a);
            assertEquals(List.of(a), cached.listClients());
            ClientRecord b = data.client("b-client");
            raw.storeClient(b);
            assertEquals(List.of(a, b), cached.listClients());
        }
    }

    @Nested
    @DisplayName("negative caching: misses are remembered for negativeTtl")
    class NegativeCaching {
        @Test
        @DisplayName("an unknown token, id, refresh token or client is asked of the backend once")
        void missesRemembered() {
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.empty(), cached.loadSessionByAccessToken("at-unknown"));
                assertEquals(Optional.empty(), cached.loadSessionById("sid-unknown"));
                assertEquals(Optional.empty(), cached.loadSessionByRefreshToken("rt-unknown"));
                assertEquals(Optional.empty(), cached.loadClient("client-unknown"));
            }
            assertEquals(4, backend.reads());
            assertEquals(8, cached.stats().negativeHits());
        }

        @Test
        @DisplayName("a remembered miss is asked again once negativeTtl has passed")
        void missExpires() {
            cached.loadSessionByAccessToken("at-unknown");
            clock.advance(NEGATIVE_TTL.minus(MILLI));
            cached.loadSessionByAccessToken("at-unknown");
            assertEquals(1, backend.reads(Read.ACCESS));
            clock.advance(MILLI);
            cached.loadSessionByAccessToken("at-unknown");
            assertEquals(2, backend.reads(Read.ACCESS));
        }

        @Test
        @DisplayName("storing through the cache replaces a remembered miss at once, on every path")
        void storeReplacesMiss() {
            StoredSession s = data.session();
            ClientRecord c = data.client("late-client");
            assertGone(cached, s);
            assertEquals(Optional.empty(), cached.loadClient(c.clientId()));
            cached.storeSession(s);
            cached.storeClient(c);
            assertFound(cached, s);
            assertEquals(Optional.of(c), cached.loadClient(c.clientId()));
        }

        @Test
        @DisplayName("a miss written by someone else is seen once negativeTtl has passed")
        void bypassingWriteSeenAfterNegativeTtl() {
            StoredSession s = data.session();
            assertEquals(Optional.empty(), cached.loadSessionById(s.sessionId()));
            raw.storeSession(s);
            clock.advance(NEGATIVE_TTL);
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()));
        }
    }

    @Nested
    @DisplayName("invalidation: no stale read after any write through the cache, by any lookup path")
    class Invalidation {
        @Test
        @DisplayName("replacing a session with new tokens: the old tokens miss, the new ones and the id find it")
        void replaceWithNewTokens() {
            StoredSession s = stored();
            warm(cached, s);
            StoredSession rotated = data.rotated(s);
            cached.storeSession(rotated);
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), cached.loadSessionByRefreshToken(s.refreshToken()));
            assertFound(cached, rotated);
        }

        @Test
        @DisplayName("replacing a session with the same tokens: every path returns the new record")
        void replaceSameTokens() {
            StoredSession s = stored();
            warm(cached, s);
            StoredSession changed = new StoredSession(s.sessionId(), s.provider(), data.user("someone-else"),
                    s.accessToken(), s.refreshToken(), "gho_" + TestData.token(), null, null,
                    s.accessExpiresAt().plusSeconds(60), s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
            cached.storeSession(changed);
            assertFound(cached, changed);
        }

        @Test
        @DisplayName("delete by id: every path misses")
        void deleteById() {
            StoredSession s = stored();
            warm(cached, s);
            assertTrue(cached.deleteSessionById(s.sessionId()));
            assertGone(cached, s);
        }

        @Test
        @DisplayName("delete by access token: every path misses, also when the access path was never cached")
        void deleteByAccessToken() {
            StoredSession s = stored();
            warm(cached, s);
            StoredSession t = stored();
            assertEquals(Optional.of(t), cached.loadSessionById(t.sessionId()));
            assertEquals(Optional.of(t), cached.loadSessionByRefreshToken(t.refreshToken()));
            assertTrue(cached.deleteSessionByAccessToken(s.accessToken()));
            assertTrue(cached.deleteSessionByAccessToken(t.accessToken()));
            assertGone(cached, s);
            assertGone(cached, t);
        }

        @Test
        @DisplayName("delete by access token of a session whose access token expired: its refresh path misses")
        void deleteByExpiredAccessToken() {
            StoredSession s = stored();
            clock.set(s.accessExpiresAt());
            assertEquals(Optional.of(s), cached.loadSessionByRefreshToken(s.refreshToken()));
            assertTrue(cached.deleteSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), cached.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("deleteSessionsByUser: every session of the user misses by every path; others stay cached")
        void deleteByUser() {
            StoredSession a1 = data.session("user-a");
            StoredSession a2 = data.session("user-a");
            StoredSession b = data.session("user-b");
            List.of(a1, a2, b).forEach(cached::storeSession);
            List.of(a1, a2, b).forEach(s -> warm(cached, s));
            int readsBefore = backend.reads();
            assertEquals(2, cached.deleteSessionsByUser("user-a"));
            assertGone(cached, a1);
            assertGone(cached, a2);
            int readsAfterGone = backend.reads();
            assertFound(cached, b);
            assertEquals(readsAfterGone, backend.reads(), "user-b's session is still answered from memory");
            assertTrue(readsAfterGone > readsBefore);
        }

        @Test
        @DisplayName("replacing or deleting a client: the next read sees it")
        void clients() {
            ClientRecord c = data.client("client-x");
            cached.storeClient(c);
            assertEquals(Optional.of(c), cached.loadClient("client-x"));
            ClientRecord renamed = new ClientRecord("client-x", null, "none", List.of("https://new.example/cb"),
                    List.of("authorization_code"), List.of("code"), "openid", "Renamed", c.createdAt());
            cached.storeClient(renamed);
            assertEquals(Optional.of(renamed), cached.loadClient("client-x"));
            assertTrue(cached.deleteClient("client-x"));
            assertEquals(Optional.empty(), cached.loadClient("client-x"));
        }

        @Test
        @DisplayName("cleanupExpired passes through and leaves no expired session readable by any path")
        void cleanup() {
            StoredSession shortLived = data.session("sid-" + TestData.token(), "user-c", Duration.ofMinutes(1),
                    Duration.ofMinutes(2));
            StoredSession longLived = stored();
            cached.storeSession(shortLived);
            warm(cached, shortLived);
            warm(cached, longLived);
            clock.advance(Duration.ofMinutes(3));
            assertEquals(1, cached.cleanupExpired().sessions());
            assertGone(cached, shortLived);
            assertFound(cached, longLived);
        }

        @Test
        @DisplayName("a failed write still leaves the cache coherent with the backend")
        void failedWrite() {
            StoredSession s = stored();
            StoredSession other = stored();
            warm(cached, s);
            StoredSession thief = new StoredSession(s.sessionId(), s.provider(), s.userInfo(), other.accessToken(),
                    s.refreshToken(), null, null, null, s.accessExpiresAt(), s.refreshExpiresAt(), s.issuedAt(),
                    s.createdAt());
            assertThrows(IllegalArgumentException.class, () -> cached.storeSession(thief));
            assertEquals(raw.loadSessionById(s.sessionId()), cached.loadSessionById(s.sessionId()));
            assertEquals(raw.loadSessionByAccessToken(s.accessToken()), cached.loadSessionByAccessToken(s.accessToken()));
        }
    }

    @Nested
    @DisplayName("one-time values: consume always reaches the backend")
    class OneTime {
        @Test
        @DisplayName("a state or code stored through one cache is consumed once through another over the same backend")
        void acrossCaches() {
            CachingTokenStore other = cacheOver(backend, b -> b);
            StateRecord state = data.state();
            AuthCodeRecord code = data.authCode();
            cached.storeState(state);
            cached.storeAuthCode(code);
            assertEquals(Optional.of(state), other.consumeState(state.state()));
            assertEquals(Optional.of(code), other.consumeAuthCode(code.code()));
            assertEquals(Optional.empty(), cached.consumeState(state.state()));
            assertEquals(Optional.empty(), cached.consumeAuthCode(code.code()));
            assertEquals(Optional.empty(), other.consumeState(state.state()));
        }

        @Test
        @DisplayName("racing consumes through two caches over two opens of the same data: exactly one wins")
        void raceAcrossInstances() throws Exception {
            assumeTrue(storage.sharesData(), "this backend's opens do not share data");
            CachingTokenStore other = cacheOver(openRaw(b -> b), b -> b);
            for (int round = 0; round < 5; round++) {
                AuthCodeRecord code = data.authCode();
                cached.storeAuthCode(code);
                AtomicInteger wins = new AtomicInteger();
                Concurrent.run(8, thread -> {
                    TokenStore via = thread % 2 == 0 ? cached : other;
                    if (via.consumeAuthCode(code.code()).isPresent()) {
                        wins.incrementAndGet();
                    }
                });
                assertEquals(1, wins.get(), "round " + round);
            }
        }
    }

    @Nested
    @DisplayName("expiry: an entry lives min(record expiry, ttlCap) - skew by the clock")
    class Expiry {
        @Test
        @DisplayName("a session is served from memory until skew before its access expiry, then asked again")
        void cappedByRecordExpiry() {
            StoredSession s = data.session("sid-" + TestData.token(), "user-e", Duration.ofSeconds(30), Duration.ofHours(1));
            cached.storeSession(s);
            cached.loadSessionByAccessToken(s.accessToken());
            clock.set(s.accessExpiresAt().minus(SKEW).minus(MILLI));
            assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(1, backend.reads(Read.ACCESS));
            clock.advance(MILLI);
            assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(2, backend.reads(Read.ACCESS), "within skew of expiry the backend is asked");
            clock.set(s.accessExpiresAt());
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), cached.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("a long-lived session is asked again after ttlCap - skew")
        void cappedByTtlCap() {
            StoredSession s = stored();
            cached.loadSessionById(s.sessionId());
            clock.advance(TTL_CAP.minus(SKEW).minus(MILLI));
            cached.loadSessionById(s.sessionId());
            assertEquals(1, backend.reads(Read.ID));
            clock.advance(MILLI);
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()));
            assertEquals(2, backend.reads(Read.ID));
        }

        @Test
        @DisplayName("with no skew, a cached session is still not returned at its expiry instant")
        void neverPastExpiry() {
            CachingTokenStore noSkew = cacheOver(backend, b -> b.skew(Duration.ZERO));
            StoredSession s = data.session("sid-" + TestData.token(), "user-e", Duration.ofSeconds(30), Duration.ofSeconds(60));
            noSkew.storeSession(s);
            warm(noSkew, s);
            clock.set(s.accessExpiresAt().minus(MILLI));
            assertEquals(Optional.of(s), noSkew.loadSessionByAccessToken(s.accessToken()));
            clock.set(s.accessExpiresAt());
            assertEquals(Optional.empty(), noSkew.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), noSkew.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(s), noSkew.loadSessionByRefreshToken(s.refreshToken()));
            clock.set(s.refreshExpiresAt());
            assertEquals(Optional.empty(), noSkew.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("the refresh path lives by the refresh expiry: still served from memory after the access token died")
        void refreshPathUsesRefreshExpiry() {
            StoredSession s = data.session("sid-" + TestData.token(), "user-e", Duration.ofMinutes(1), Duration.ofHours(1));
            cached.storeSession(s);
            assertEquals(Optional.of(s), cached.loadSessionByRefreshToken(s.refreshToken()));
            clock.advance(Duration.ofMinutes(2));
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), cached.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(1, backend.reads(Read.REFRESH));
        }

        @Test
        @DisplayName("a write that bypasses the cache (another process) is seen once ttlCap - skew has passed")
        void bypassingWriteSeenWithinTtlCap() {
            StoredSession s = stored();
            ClientRecord c = data.client("client-b");
            cached.storeClient(c);
            warm(cached, s);
            cached.loadClient(c.clientId());
            StoredSession rotated = data.rotated(s);
            raw.storeSession(rotated);
            raw.deleteClient(c.clientId());
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()), "the documented trade-off");
            clock.advance(TTL_CAP.minus(SKEW));
            assertEquals(Optional.of(rotated), cached.loadSessionById(s.sessionId()));
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), cached.loadClient(c.clientId()));
        }
    }

    @Nested
    @DisplayName("stampede protection: concurrent misses on one key load once")
    class Stampede {
        private static final int THREADS = 32;

        @Test
        @DisplayName("32 threads asking for one missing access token: one backend read")
        void missingKey() throws Exception {
            List<Optional<StoredSession>> results = racingLoads(Read.ACCESS, () -> cached.loadSessionByAccessToken("at-missing"));
            assertEquals(1, backend.reads(Read.ACCESS));
            results.forEach(r -> assertEquals(Optional.empty(), r));
        }

        @Test
        @DisplayName("32 threads asking for one uncached session by id: one backend read, all get it")
        void existingSession() throws Exception {
            StoredSession s = stored();
            List<Optional<StoredSession>> results = racingLoads(Read.ID, () -> cached.loadSessionById(s.sessionId()));
            assertEquals(1, backend.reads(Read.ID));
            results.forEach(r -> assertEquals(Optional.of(s), r));
        }

        @Test
        @DisplayName("32 threads asking for one uncached client: one backend read, all get it")
        void client() throws Exception {
            ClientRecord c = data.client("client-s");
            cached.storeClient(c);
            List<Optional<ClientRecord>> results = racingLoads(Read.CLIENT, () -> cached.loadClient(c.clientId()));
            assertEquals(1, backend.reads(Read.CLIENT));
            results.forEach(r -> assertEquals(Optional.of(c), r));
        }

        /** Starts 32 loads together; the first backend read is held until every other thread waits or is done. */
        private <T> List<T> racingLoads(Read read, Supplier<T> load) throws Exception {
            Hold hold = backend.holdNextRead(read);
            List<T> results = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        started.countDown();
                        results.add(load.get());
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "tck-stampede-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            go.countDown();
            hold.awaitReached();
            assertTrue(started.await(RACE_SETUP_SECONDS, TimeUnit.SECONDS), () -> "the stampede could not be set up: "
                    + started.getCount() + " of " + THREADS + " threads had not started after " + RACE_SETUP_SECONDS + " s");
            awaitAllParkedOrDone(threads);
            hold.release();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(t.isAlive(), () -> t.getName() + " did not finish its load within 30 s of the release");
            }
            if (failure.get() != null) {
                throw new AssertionError("a loading thread failed", failure.get());
            }
            assertEquals(THREADS, results.size());
            return results;
        }
    }

    @Nested
    @DisplayName("races: a load that began before a write never puts a stale value back")
    class Races {
        @Test
        @DisplayName("load by id, then the session is replaced: the new record and tokens win")
        void loadByIdThenReplace() throws Exception {
            StoredSession s = stored();
            StoredSession rotated = data.rotated(s);
            raceLoadAgainstWrite(Read.ID, () -> cached.loadSessionById(s.sessionId()), () -> cached.storeSession(rotated));
            assertEquals(Optional.of(rotated), cached.loadSessionById(s.sessionId()));
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertFound(cached, rotated);
        }

        @Test
        @DisplayName("load by the old access token, then the session is replaced: the old token misses")
        void loadByAccessThenReplace() throws Exception {
            StoredSession s = stored();
            StoredSession rotated = data.rotated(s);
            raceLoadAgainstWrite(Read.ACCESS, () -> cached.loadSessionByAccessToken(s.accessToken()),
                    () -> cached.storeSession(rotated));
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertFound(cached, rotated);
        }

        @Test
        @DisplayName("load by refresh token, then delete by id: the refresh token misses")
        void loadByRefreshThenDelete() throws Exception {
            StoredSession s = stored();
            raceLoadAgainstWrite(Read.REFRESH, () -> cached.loadSessionByRefreshToken(s.refreshToken()),
                    () -> cached.deleteSessionById(s.sessionId()));
            assertGone(cached, s);
        }

        @Test
        @DisplayName("load by id, then delete by access token: the id misses")
        void loadByIdThenDeleteByToken() throws Exception {
            StoredSession s = stored();
            raceLoadAgainstWrite(Read.ID, () -> cached.loadSessionById(s.sessionId()),
                    () -> cached.deleteSessionByAccessToken(s.accessToken()));
            assertGone(cached, s);
        }

        @Test
        @DisplayName("load by id, then the user's sessions are revoked: the id misses")
        void loadByIdThenRevokeUser() throws Exception {
            StoredSession s = stored();
            raceLoadAgainstWrite(Read.ID, () -> cached.loadSessionById(s.sessionId()),
                    () -> cached.deleteSessionsByUser(s.userId()));
            assertGone(cached, s);
        }

        @Test
        @DisplayName("a miss being loaded, then the session is stored: the store wins")
        void missThenStore() throws Exception {
            StoredSession s = data.session();
            raceLoadAgainstWrite(Read.ACCESS, () -> cached.loadSessionByAccessToken(s.accessToken()),
                    () -> cached.storeSession(s));
            assertFound(cached, s);
        }

        @Test
        @DisplayName("a client being loaded, then replaced: the new client wins")
        void clientThenReplace() throws Exception {
            ClientRecord c = data.client("client-r");
            cached.storeClient(c);
            ClientRecord renamed = new ClientRecord("client-r", null, "none", List.of(), List.of(), List.of(), null,
                    "Renamed", c.createdAt());
            raceLoadAgainstWrite(Read.CLIENT, () -> cached.loadClient("client-r"), () -> cached.storeClient(renamed));
            assertEquals(Optional.of(renamed), cached.loadClient("client-r"));
        }

        /** Revoked sessions are refused (revocation is final); that is one of the outcomes here. */
        private void storeUnlessRevoked(StoredSession s) {
            try {
                cached.storeSession(s);
            } catch (TokenStoreException e) {
                assertEquals(TokenStoreException.Kind.REFUSED, e.kind(), e.toString());
            }
        }

        @Test
        @DisplayName("after concurrent rotations, deletes, revocations and reads, every lookup agrees with the backend")
        void randomisedAgreement() throws Exception {
            List<StoredSession> issued = Collections.synchronizedList(new ArrayList<>());
            ConcurrentHashMap<String, StoredSession> latest = new ConcurrentHashMap<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                StoredSession s = data.session("sid-" + i + "-" + TestData.token(), "user-" + (i % 3),
                        Duration.ofHours(1), Duration.ofDays(1));
                cached.storeSession(s);
                issued.add(s);
                latest.put(s.sessionId(), s);
                ids.add(s.sessionId());
            }
            Concurrent.run(4, thread -> {
                Random random = new Random(thread * 7919L);
                for (int op = 0; op < 250; op++) {
                    String id = ids.get(random.nextInt(ids.size()));
                    StoredSession known = latest.get(id);
                    int dice = random.nextInt(100);
                    if (dice < 45) {
                        cached.loadSessionByAccessToken(known.accessToken());
                        cached.loadSessionById(id);
                        cached.loadSessionByRefreshToken(known.refreshToken());
                    } else if (dice < 70) {
                        StoredSession next = data.rotated(known);
                        issued.add(next);
                        storeUnlessRevoked(next);
                        latest.put(id, next);
                    } else if (dice < 80) {
                        cached.deleteSessionById(id);
                    } else if (dice < 90) {
                        cached.deleteSessionByAccessToken(known.accessToken());
                    } else if (dice < 95) {
                        cached.deleteSessionsByUser(known.userId());
                    } else {
                        storeUnlessRevoked(known);
                    }
                }
            });
            for (StoredSession s : List.copyOf(issued)) {
                assertEquals(raw.loadSessionByAccessToken(s.accessToken()), cached.loadSessionByAccessToken(s.accessToken()));
                assertEquals(raw.loadSessionByRefreshToken(s.refreshToken()), cached.loadSessionByRefreshToken(s.refreshToken()));
            }
            for (String id : ids) {
                assertEquals(raw.loadSessionById(id), cached.loadSessionById(id));
            }
        }

        /**
         * Holds a load after it read the backend, runs the write on another thread until it is
         * done (or waits for the load, as a write must when it invalidates the same key), then
         * lets the load finish.
         */
        private <T> T raceLoadAgainstWrite(Read read, Callable<T> load, Runnable write) throws Exception {
            Hold hold = backend.holdNextRead(read);
            ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "tck-race-loader");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<T> loaded = loader.submit(load);
                hold.awaitReached();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread writer = new Thread(() -> {
                    try {
                        write.run();
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }, "tck-race-writer");
                writer.setDaemon(true);
                writer.start();
                awaitAllParkedOrDone(List.of(writer));
                hold.release();
                T result = loaded.get(30, TimeUnit.SECONDS);
                writer.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(writer.isAlive(), "the write did not finish within 30 s of the load");
                if (failure.get() != null) {
                    throw new AssertionError("the write failed", failure.get());
                }
                return result;
            } finally {
                hold.release();
                loader.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("bound: the cache holds at most maxEntries")
    class Bound {
        @Test
        @DisplayName("loading more sessions than maxEntries evicts down to the bound, and answers stay right")
        void evictsAtBound() {
            CachingTokenStore small = cacheOver(backend, b -> b.maxEntries(64));
            List<StoredSession> sessions = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                StoredSession s = data.session();
                small.storeSession(s);
                sessions.add(s);
            }
            sessions.forEach(s -> assertEquals(Optional.of(s), small.loadSessionById(s.sessionId())));
            CacheStats stats = small.stats();
            assertTrue(stats.entries() <= 64, "entries " + stats.entries());
            assertTrue(stats.evictions() >= 300 - 64, "evictions " + stats.evictions());
            for (int i = 0; i < sessions.size(); i += 37) {
                StoredSession s = sessions.get(i);
                assertFound(small, s);
            }
            assertTrue(small.stats().entries() <= 64);
        }
    }

    @Nested
    @DisplayName("backend failures: the error reaches the caller and nothing is cached for it")
    class Failures {
        @Test
        @DisplayName("a failing session read throws the backend's exception; once healed, the real record is read")
        void sessionReadFails() {
            StoredSession s = stored();
            TokenStoreException down = new TokenStoreException("backend down (test)");
            backend.failReadsWith(down);
            assertSame(down, assertThrows(TokenStoreException.class, () -> cached.loadSessionById(s.sessionId())));
            assertSame(down, assertThrows(TokenStoreException.class, () -> cached.loadSessionByAccessToken(s.accessToken())));
            assertSame(down, assertThrows(TokenStoreException.class, () -> cached.loadSessionByRefreshToken(s.refreshToken())));
            assertEquals(3, cached.stats().loadFailures());
            backend.healReads();
            assertFound(cached, s);
        }

        @Test
        @DisplayName("a failing read of a missing key is not remembered as a miss")
        void failureIsNotAMiss() {
            StoredSession s = data.session();
            ClientRecord c = data.client("client-f");
            backend.failReadsWith(new TokenStoreException("backend down (test)"));
            assertThrows(TokenStoreException.class, () -> cached.loadSessionByAccessToken(s.accessToken()));
            assertThrows(TokenStoreException.class, () -> cached.loadClient(c.clientId()));
            backend.healReads();
            raw.storeSession(s);
            raw.storeClient(c);
            assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(c), cached.loadClient(c.clientId()));
        }

        @Test
        @DisplayName("a failing read does not drop what is already cached")
        void cachedSurvivesFailure() {
            StoredSession s = stored();
            cached.loadSessionById(s.sessionId());
            backend.failReadsWith(new TokenStoreException("backend down (test)"));
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()));
        }
    }

    @Nested
    @DisplayName("capabilities pass through")
    class Capabilities {
        @Test
        @DisplayName("the cache is a BulkSessionStore / TransactionalTokenStore exactly when the backend is")
        void mirrorsBackend() {
            CachingTokenStore direct = cacheOver(raw, b -> b);
            assertEquals(raw.features().bulk().isPresent(), direct.features().bulk().isPresent());
            assertEquals(raw.features().transactions().isPresent(), direct.features().transactions().isPresent());
            assertFalse(cached.features().bulk().isPresent(), "the counting wrapper has no capabilities");
            assertFalse(cached.features().transactions().isPresent());
        }

        @Test
        @DisplayName("bulk store and bulk delete through the cache invalidate every path")
        void bulk() {
            assumeTrue(raw.features().bulk().isPresent(), "the backend is not a BulkSessionStore");
            CachingTokenStore direct = cacheOver(raw, b -> b);
            BulkSessionStore bulk = direct.features().bulk().orElseThrow();
            StoredSession a = data.session();
            StoredSession b = data.session();
            bulk.bulkStoreSessions(List.of(a, b));
            warm(direct, a);
            warm(direct, b);
            StoredSession a2 = data.rotated(a);
            StoredSession b2 = data.rotated(b);
            bulk.bulkStoreSessions(List.of(a2, b2));
            assertEquals(Optional.empty(), direct.loadSessionByAccessToken(a.accessToken()));
            assertFound(direct, a2);
            assertFound(direct, b2);
            assertEquals(1, bulk.bulkDeleteSessionsByHash(List.of(TokenHash.sha256Hex(a2.accessToken()))));
            assertGone(direct, a2);
            assertFound(direct, b2);
        }

        @Test
        @DisplayName("writes inside inTransaction invalidate every path once it commits")
        void transactionCommits() {
            assumeTrue(raw.features().transactions().isPresent(), "the backend is not a TransactionalTokenStore");
            CachingTokenStore direct = cacheOver(raw, b -> b);
            StoredSession s = data.session();
            StoredSession doomed = data.session();
            direct.storeSession(s);
            direct.storeSession(doomed);
            warm(direct, s);
            warm(direct, doomed);
            StoredSession rotated = data.rotated(s);
            Optional<StoredSession> seenInside = direct.features().transactions().orElseThrow().inTransaction(tx -> {
                tx.storeSession(rotated);
                tx.deleteSessionById(doomed.sessionId());
                return tx.loadSessionById(s.sessionId());
            });
            assertEquals(Optional.of(rotated), seenInside, "reads inside see the transaction's own writes");
            assertEquals(Optional.empty(), direct.loadSessionByAccessToken(s.accessToken()));
            assertFound(direct, rotated);
            assertGone(direct, doomed);
        }

        @Test
        @DisplayName("after a transaction that failed, every path agrees with the backend")
        void transactionRollsBack() {
            assumeTrue(raw.features().transactions().isPresent(), "the backend is not a TransactionalTokenStore");
            CachingTokenStore direct = cacheOver(raw, b -> b);
            StoredSession s = data.session();
            direct.storeSession(s);
            warm(direct, s);
            StoredSession rotated = data.rotated(s);
            IllegalStateException boom = new IllegalStateException("work failed (test)");
            assertSame(boom, assertThrows(IllegalStateException.class,
                    () -> direct.features().transactions().orElseThrow().inTransaction(tx -> {
                        tx.storeSession(rotated);
                        throw boom;
                    })));
            for (StoredSession v : List.of(s, rotated)) {
                assertEquals(raw.loadSessionByAccessToken(v.accessToken()), direct.loadSessionByAccessToken(v.accessToken()));
                assertEquals(raw.loadSessionByRefreshToken(v.refreshToken()), direct.loadSessionByRefreshToken(v.refreshToken()));
            }
            assertEquals(raw.loadSessionById(s.sessionId()), direct.loadSessionById(s.sessionId()));
        }
    }

    @Nested
    @DisplayName("hygiene: bad input, closing, nothing secret")
    class Hygiene {
        @Test
        @DisplayName("null or blank keys fail with IllegalArgumentException naming the field")
        void badInput() {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cached.loadSessionByAccessToken(null))
                    .getMessage().contains("accessToken"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cached.loadSessionById(" "))
                    .getMessage().contains("sessionId"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cached.loadSessionByRefreshToken(""))
                    .getMessage().contains("refreshToken"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cached.loadClient(null))
                    .getMessage().contains("clientId"));
            assertThrows(IllegalArgumentException.class, () -> cached.storeSession(null));
            assertEquals(0, backend.reads(), "bad input never reaches the backend");
        }

        @Test
        @DisplayName("after close every call fails with IllegalStateException, also for cached keys")
        void closed() {
            StoredSession s = stored();
            warm(cached, s);
            cached.close();
            assertThrows(IllegalStateException.class, () -> cached.loadSessionById(s.sessionId()));
            assertThrows(IllegalStateException.class, () -> cached.loadSessionByAccessToken(s.accessToken()));
            assertThrows(IllegalStateException.class, () -> cached.loadClient("any"));
            assertThrows(IllegalStateException.class, () -> cached.storeSession(s));
            cached.close();
        }

        @Test
        @DisplayName("no token appears in the cache's toString or stats")
        void noSecrets() {
            StoredSession s = stored();
            warm(cached, s);
            String shown = cached + " " + cached.stats();
            assertNotNull(shown);
            for (String secret : List.of(s.accessToken(), s.refreshToken(), s.providerAccessToken(),
                    TokenHash.sha256Hex(s.accessToken()))) {
                assertFalse(shown.contains(secret));
            }
        }
    }

    /** How long a race's setup may take before the test fails (never goes on unset). */
    private static final int RACE_SETUP_SECONDS = 30;

    /**
     * Waits until every thread is blocked, waiting or finished; fails if that does not happen within
     * {@value #RACE_SETUP_SECONDS} seconds, since the race the caller wants would not be set up.
     */
    private static void awaitAllParkedOrDone(List<Thread> threads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RACE_SETUP_SECONDS);
        while (true) {
            List<String> running = new ArrayList<>();
            for (Thread t : threads) {
                Thread.State state = t.getState();
                if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
                    running.add(t.getName());
                }
            }
            if (running.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the race could not be set up: " + running + " still running after "
                        + RACE_SETUP_SECONDS + " s");
            }
            LockSupport.parkNanos(200_000); // poll interval; the thread states are the condition
        }
    }
}

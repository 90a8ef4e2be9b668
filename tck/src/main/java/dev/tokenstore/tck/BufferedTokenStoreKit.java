package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.UserInfo;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferFlushException;
import dev.tokenstore.buffer.BufferStats;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.buffer.FlushFailure;
import dev.tokenstore.tck.buffering.CapabilityHidingTokenStore;
import dev.tokenstore.tck.buffering.CapabilityHidingTokenStore.Flavor;
import dev.tokenstore.tck.buffering.WriteFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The buffering suite: what {@link BufferedTokenStore} guarantees over a backend. A backend runs it
 * by subclassing and implementing {@link #newStorage()}:
 *
 * <pre>{@code
 * class MyBackendBufferingTest extends BufferedTokenStoreKit {
 *     protected TestStorage newStorage() { return new MyBackendStorage(...); }
 * }
 * }</pre>
 *
 * Each test opens the backend's raw store and wraps it in a buffer (through a
 * {@link CapabilityHidingTokenStore}, which can hide capabilities, inject write failures and keeps the
 * raw store open when the buffer closes), then checks the outcome through the raw store. Only the
 * {@link TokenStore} API is used. Where the backend lacks a capability (bulk writes, transactions)
 * the tests that need it are skipped with an assumption, never passed. No test sleeps to wait for
 * expiry (the kit's clock is moved) and none asserts on speed; flushing by time polls with a generous
 * bound.
 */
public abstract class BufferedTokenStoreKit extends StoreKit {
    /** Longer than any test: nothing is flushed by time unless a test asks for it. */
    private static final Duration NEVER = Duration.ofHours(1);

    /** The backend's own store for this test: the buffer's target, and where outcomes are checked. */
    protected TokenStore raw;
    /** Failures the buffers of this test reported to {@code onFlushError}. */
    protected final List<FlushFailure> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openBackendStore() {
        raw = openRaw(b -> b);
    }

    /** A buffer over the backend store with all its capabilities, no faults, and {@code adjust}ed options. */
    protected BufferedTokenStore buffered(UnaryOperator<BufferedTokenStore.Builder> adjust) {
        return buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, WriteFaults.none()), adjust);
    }

    /**
     * A buffer over {@code delegate} with the kit's clock, a 1-hour maxDelay (tests flush by size,
     * flush() or close() unless they set one), 1 ms retry back-off and failures collected in
     * {@link #reported}; closed after the test.
     */
    protected BufferedTokenStore buffered(TokenStore delegate, UnaryOperator<BufferedTokenStore.Builder> adjust) {
        BufferedTokenStore.Builder builder = BufferedTokenStore.builder(delegate).clock(clock).maxDelay(NEVER)
                .retryBackoff(Duration.ofMillis(1)).onFlushError(reported::add);
        return track(adjust.apply(builder).build());
    }

    /** Polls until {@code condition} holds, failing after a generous 10 s (a bound, not a speed test). */
    protected static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            Thread.sleep(5);
        }
    }

    private List<StoredSession> sessionsOf(String user, int n) {
        List<StoredSession> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(data.session(user));
        }
        return list;
    }

    private void assertPersisted(StoredSession expected) {
        assertEquals(Optional.of(expected), raw.loadSessionById(expected.sessionId()),
                () -> "backend should hold " + expected);
    }

    private void assertNotPersisted(String sessionId) {
        assertTrue(raw.loadSessionById(sessionId).isEmpty(), () -> "backend should not hold session " + sessionId);
    }

    private static List<String> ids(List<StoredSession> sessions) {
        return sessions.stream().map(StoredSession::sessionId).sorted().collect(Collectors.toList());
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("flushing")
    class Flushing {
        @Test
        @DisplayName("queued writes reach the backend once maxBatchSize of them are pending, without waiting for maxDelay")
        void flushOnSize() throws InterruptedException {
            BufferedTokenStore buffer = buffered(b -> b.maxBatchSize(10));
            List<StoredSession> written = sessionsOf("u1", 10);
            written.subList(0, 9).forEach(buffer::storeSession);
            assertEquals(9, buffer.stats().pending());
            written.subList(0, 9).forEach(s -> assertNotPersisted(s.sessionId()));
            buffer.storeSession(written.get(9));
            eventually("a full batch is flushed", () -> raw.loadSessionById(written.get(9).sessionId()).isPresent());
            eventually("nothing pending", () -> buffer.stats().pending() == 0);
            written.forEach(BufferedTokenStoreKit.this::assertPersisted);
            assertEquals(1, buffer.stats().batches());
        }

        @Test
        @DisplayName("a partial batch reaches the backend once maxDelay has passed")
        void flushOnTime() throws InterruptedException {
            BufferedTokenStore buffer = buffered(b -> b.maxDelay(Duration.ofMillis(20)));
            StoredSession s = data.session("u1");
            buffer.storeSession(s);
            eventually("the write is flushed by time", () -> raw.loadSessionById(s.sessionId()).isPresent());
            assertPersisted(s);
        }

        @Test
        @DisplayName("flush() writes everything pending and returns once it is written")
        void flushWritesAll() {
            BufferedTokenStore buffer = buffered(b -> b.maxBatchSize(100));
            List<StoredSession> written = sessionsOf("u1", 250);
            written.forEach(buffer::storeSession);
            buffer.flush();
            written.forEach(BufferedTokenStoreKit.this::assertPersisted);
            BufferStats stats = buffer.stats();
            assertEquals(0, stats.pending());
            assertEquals(250, stats.flushed());
            assertTrue(stats.batches() >= 3, "batches of at most maxBatchSize");
        }
    }

    @Nested
    @DisplayName("coalescing")
    class Coalescing {
        @Test
        @DisplayName("many writes to one session persist one value: the last")
        void lastWriteWins() {
            WriteFaults writes = WriteFaults.none();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, writes), b -> b);
            StoredSession s = data.session("u1");
            List<StoredSession> versions = new ArrayList<>(List.of(s));
            buffer.storeSession(s);
            for (int i = 0; i < 199; i++) {
                s = data.rotated(s);
                versions.add(s);
                buffer.storeSession(s);
            }
            buffer.flush();
            assertPersisted(s);
            for (StoredSession old : versions.subList(0, versions.size() - 1)) {
                assertTrue(raw.loadSessionByAccessToken(old.accessToken()).isEmpty());
                assertTrue(raw.loadSessionByRefreshToken(old.refreshToken()).isEmpty());
            }
            assertEquals(199, buffer.stats().coalesced());
            assertEquals(1, buffer.stats().flushed());
            assertEquals(1, writes.attempts(), "the backend saw one session write");
        }

        @Test
        @DisplayName("per-session order is kept when a session's writes land in different batches")
        void orderAcrossBatches() {
            BufferedTokenStore buffer = buffered(b -> b.maxBatchSize(3));
            StoredSession hot = data.session("u1");
            buffer.storeSession(hot);
            for (int i = 0; i < 60; i++) {
                buffer.storeSession(data.session("u2"));
                hot = data.rotated(hot);
                buffer.storeSession(hot);
            }
            buffer.flush();
            assertPersisted(hot);
            assertEquals(Optional.of(hot), raw.loadSessionByAccessToken(hot.accessToken()));
        }
    }

    @Nested
    @DisplayName("read-your-writes")
    class ReadYourWrites {
        @Test
        @DisplayName("a queued session is found by access token, id and refresh token before it is flushed")
        void queuedIsVisible() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession s = data.session("u1");
            buffer.storeSession(s);
            assertNotPersisted(s.sessionId());
            assertEquals(Optional.of(s), buffer.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), buffer.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(s), buffer.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("queued sessions follow the contract's expiry rules")
        void queuedExpiry() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession s = data.session("sid-" + TestData.token(), "u1", Duration.ofMinutes(10), Duration.ofDays(1));
            buffer.storeSession(s);
            clock.advance(Duration.ofMinutes(10));
            assertTrue(buffer.loadSessionByAccessToken(s.accessToken()).isEmpty(), "access token expired");
            assertTrue(buffer.loadSessionById(s.sessionId()).isEmpty(), "by id follows the access token");
            assertEquals(Optional.of(s), buffer.loadSessionByRefreshToken(s.refreshToken()), "refresh token still live");
            clock.advance(Duration.ofDays(1));
            assertTrue(buffer.loadSessionByRefreshToken(s.refreshToken()).isEmpty());
        }

        @Test
        @DisplayName("a queued replacement hides the old tokens from reads at once; revoking by an old token still revokes the session")
        void replacementHidesOldTokens() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession old = data.session("u1");
            buffer.storeSession(old);
            buffer.flush();
            StoredSession fresh = data.rotated(old);
            buffer.storeSession(fresh);
            assertTrue(buffer.loadSessionByAccessToken(old.accessToken()).isEmpty());
            assertTrue(buffer.loadSessionByRefreshToken(old.refreshToken()).isEmpty());
            assertEquals(Optional.of(fresh), buffer.loadSessionByAccessToken(fresh.accessToken()));
            assertEquals(Optional.of(fresh), buffer.loadSessionByRefreshToken(fresh.refreshToken()));
            assertEquals(Optional.of(fresh), buffer.loadSessionById(old.sessionId()));
            assertTrue(buffer.deleteSessionByAccessToken(old.accessToken()),
                    "the database still holds the session under the old token: it is revoked, replacement and all");
            buffer.flush();
            assertNotPersisted(fresh.sessionId());
            assertTrue(buffer.loadSessionByAccessToken(fresh.accessToken()).isEmpty());
            assertFalse(buffer.deleteSessionByAccessToken(old.accessToken()), "now no session holds it");
        }

        @Test
        @DisplayName("deleteSessionsByUser sees queued sessions and counts each session once")
        void revokeUserCountsQueued() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession persisted = data.session("u1");
            StoredSession other = data.session("u2");
            buffer.storeSession(persisted);
            buffer.storeSession(other);
            buffer.flush();
            buffer.storeSession(data.rotated(persisted)); // queued over a persisted session: still one session
            StoredSession queuedOnly = data.session("u1");
            buffer.storeSession(queuedOnly);
            assertEquals(2, buffer.deleteSessionsByUser("u1"));
            assertTrue(buffer.loadSessionById(persisted.sessionId()).isEmpty());
            assertTrue(buffer.loadSessionById(queuedOnly.sessionId()).isEmpty());
            buffer.flush();
            assertNotPersisted(persisted.sessionId());
            assertNotPersisted(queuedOnly.sessionId());
            assertPersisted(other);
            assertEquals(0, buffer.deleteSessionsByUser("u1"));
        }
    }

    @Nested
    @DisplayName("revocation is never delayed")
    class Revocation {
        @Test
        @DisplayName("deleting a queued session drops its write: it never reaches the backend")
        void deleteDropsQueuedWrite() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession byId = data.session("u1");
            StoredSession byToken = data.session("u1");
            buffer.storeSession(byId);
            buffer.storeSession(byToken);
            assertTrue(buffer.deleteSessionById(byId.sessionId()));
            assertTrue(buffer.deleteSessionByAccessToken(byToken.accessToken()));
            assertEquals(0, buffer.stats().pending());
            buffer.flush();
            assertNotPersisted(byId.sessionId());
            assertNotPersisted(byToken.sessionId());
            assertFalse(buffer.deleteSessionById(byId.sessionId()));
        }

        @Test
        @DisplayName("deletes and deleteSessionsByUser reach the backend at once, without a flush")
        void deletesAreImmediate() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession a = data.session("u1");
            StoredSession b2 = data.session("u1");
            StoredSession c = data.session("u2");
            List.of(a, b2, c).forEach(buffer::storeSession);
            buffer.flush();
            buffer.storeSession(data.session("u3")); // something else stays queued
            assertTrue(buffer.deleteSessionByAccessToken(c.accessToken()));
            assertNotPersisted(c.sessionId());
            assertEquals(2, buffer.deleteSessionsByUser("u1"));
            assertNotPersisted(a.sessionId());
            assertNotPersisted(b2.sessionId());
            assertEquals(1, buffer.stats().pending());
        }

        @Test
        @DisplayName("states, codes and clients pass straight through to the backend")
        void passThrough() {
            BufferedTokenStore buffer = buffered(b -> b);
            StateRecord state = data.state();
            buffer.storeState(state);
            assertEquals(Optional.of(state), raw.consumeState(state.state()));
            var code = data.authCode();
            buffer.storeAuthCode(code);
            assertEquals(Optional.of(code), raw.consumeAuthCode(code.code()));
            ClientRecord client = data.client("client-" + TestData.token().substring(0, 8));
            buffer.storeClient(client);
            assertEquals(Optional.of(client), raw.loadClient(client.clientId()));
            assertTrue(buffer.deleteClient(client.clientId()));
            assertTrue(raw.loadClient(client.clientId()).isEmpty());
            assertEquals(0, buffer.stats().pending());
        }
    }

    @Nested
    @DisplayName("acknowledgement modes")
    class AckModes {
        @Test
        @DisplayName("write-behind returns once queued; the backend has the write only after a flush")
        void writeBehind() {
            BufferedTokenStore buffer = buffered(b -> b.ackMode(AckMode.WRITE_BEHIND));
            StoredSession s = data.session("u1");
            buffer.storeSession(s);
            assertNotPersisted(s.sessionId());
            buffer.flush();
            assertPersisted(s);
        }

        @Test
        @DisplayName("group commit returns once the backend has the write, for every concurrent caller")
        void groupCommitIsDurableOnReturn() throws Exception {
            BufferedTokenStore buffer = buffered(b -> b.ackMode(AckMode.GROUP_COMMIT));
            StoredSession single = data.session("u1");
            buffer.storeSession(single);
            assertPersisted(single);
            Map<Integer, List<StoredSession>> byThread = new java.util.concurrent.ConcurrentHashMap<>();
            Concurrent.run(8, t -> {
                List<StoredSession> mine = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    StoredSession s = data.session("gc-user-" + t);
                    buffer.storeSession(s);
                    mine.add(s);
                }
                byThread.put(t, mine);
            });
            // no flush, no close: acknowledged means committed
            byThread.values().forEach(list -> list.forEach(BufferedTokenStoreKit.this::assertPersisted));
            assertEquals(801, buffer.stats().flushed());
        }
    }

    @Nested
    @DisplayName("failures")
    class Failures {
        @Test
        @DisplayName("a backend that fails a few times, then recovers, loses nothing")
        void recoversAfterRetries() {
            WriteFaults faults = WriteFaults.none().failNext(2);
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults),
                    b -> b.maxRetries(3).maxBatchSize(40));
            List<StoredSession> written = sessionsOf("u1", 100);
            written.forEach(buffer::storeSession);
            buffer.flush();
            written.forEach(BufferedTokenStoreKit.this::assertPersisted);
            assertEquals(2, buffer.stats().retries());
            assertEquals(0, buffer.stats().failures());
            assertTrue(reported.isEmpty());
        }

        @Test
        @DisplayName("write-behind: writes a backend keeps failing are set aside after maxRetries, reported to onFlushError and handed back by flush(); later writes flow once it recovers")
        void alwaysFailingIsSetAside() {
            WriteFaults faults = WriteFaults.none().failAlways();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults),
                    b -> b.maxRetries(2));
            List<StoredSession> written = sessionsOf("u1", 20);
            written.forEach(buffer::storeSession);
            BufferFlushException e = assertThrows(BufferFlushException.class, buffer::flush);
            assertEquals(ids(written), ids(e.unwrittenSessions()));
            assertEquals(1, reported.size());
            assertFalse(reported.get(0).refused());
            assertEquals(ids(written), reported.get(0).sessionIds().stream().sorted().collect(Collectors.toList()));
            assertEquals(0, buffer.stats().pending(), "never retried forever");
            assertEquals(1, buffer.stats().failures());
            faults.heal();
            StoredSession later = data.session("u1");
            buffer.storeSession(later);
            buffer.flush();
            assertPersisted(later);
            written.forEach(s -> assertNotPersisted(s.sessionId()));
        }

        @Test
        @DisplayName("a backend that always fails: close() hands every unwritten session back, and closes the backend")
        void closeHandsBack() {
            WriteFaults faults = WriteFaults.none().failAlways();
            CapabilityHidingTokenStore delegate = CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults);
            BufferedTokenStore buffer = buffered(delegate, b -> b.maxRetries(1));
            List<StoredSession> written = sessionsOf("u1", 15);
            written.forEach(buffer::storeSession);
            BufferFlushException e = assertThrows(BufferFlushException.class, buffer::close);
            assertEquals(ids(written), ids(e.unwrittenSessions()));
            assertTrue(delegate.closed());
            written.forEach(s -> assertNotPersisted(s.sessionId()));
        }

        @Test
        @DisplayName("group commit: a backend that always fails fails the caller, handing its session back")
        void groupCommitFailureReachesCaller() {
            WriteFaults faults = WriteFaults.none().failAlways();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults),
                    b -> b.ackMode(AckMode.GROUP_COMMIT).maxRetries(1));
            StoredSession s = data.session("u1");
            BufferFlushException e = assertThrows(BufferFlushException.class, () -> buffer.storeSession(s));
            assertEquals(List.of(s), e.unwrittenSessions());
            assertEquals(0, buffer.stats().pending());
            assertFalse(reported.get(0).refused());
            faults.heal();
            buffer.storeSession(s);
            assertPersisted(s);
        }

        @Test
        @DisplayName("a record the backend rejects (token held elsewhere) is handed back; the rest of its batch is written")
        void rejectedRecordIsIsolated() {
            StoredSession holder = data.session("u1");
            raw.storeSession(holder);
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession good1 = data.session("u2");
            StoredSession bad = new StoredSession("sid-" + TestData.token(), "github", holder.userInfo(),
                    holder.accessToken(), null, null, null, null, holder.accessExpiresAt(), null, null,
                    holder.createdAt());
            StoredSession good2 = data.session("u2");
            List.of(good1, bad, good2).forEach(buffer::storeSession);
            BufferFlushException e = assertThrows(BufferFlushException.class, buffer::flush);
            assertEquals(List.of(bad), e.unwrittenSessions());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertPersisted(good1);
            assertPersisted(good2);
            assertPersisted(holder);
            assertNotPersisted(bad.sessionId());
            assertEquals(1, reported.size());
            buffer.flush();
            assertEquals(1, reported.size(), "reported once, not again");
        }

        @Test
        @DisplayName("a token held by another queued session is rejected at the call with IllegalArgumentException")
        void duplicateTokenRejectedAtCall() {
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession first = data.session("u1");
            buffer.storeSession(first);
            StoredSession thief = new StoredSession("sid-" + TestData.token(), "github", first.userInfo(),
                    first.accessToken(), null, null, null, null, first.accessExpiresAt(), null, null, first.createdAt());
            assertThrows(IllegalArgumentException.class, () -> buffer.storeSession(thief));
            buffer.flush();
            assertPersisted(first);
            assertNotPersisted(thief.sessionId());
        }
    }

    @Nested
    @DisplayName("refused records and failing backends never block the buffer")
    class Isolation {
        @ParameterizedTest
        @EnumSource(AckMode.class)
        @DisplayName("a session the backend refuses with SQLState 22001 is reported by id; the rest of its batch and every later write are stored")
        void refusedRecordIsIsolated(AckMode mode) throws Exception {
            StoredSession bad = data.session("u1");
            WriteFaults faults = WriteFaults.none().refuse(bad.sessionId());
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults),
                    b -> b.ackMode(mode).maxRetries(5).maxBatchSize(50));
            List<StoredSession> good = sessionsOf("u2", 19);
            List<StoredSession> all = new ArrayList<>(good);
            all.add(7, bad);
            if (mode == AckMode.WRITE_BEHIND) {
                all.forEach(buffer::storeSession);
                BufferFlushException e = assertThrows(BufferFlushException.class, buffer::flush);
                assertEquals(List.of(bad.sessionId()), e.unwrittenSessionIds());
                assertRefusal(e.getCause());
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<?>> calls = new ArrayList<>();
                    for (StoredSession s : all) {
                        calls.add(pool.submit(() -> buffer.storeSession(s)));
                    }
                    for (int i = 0; i < all.size(); i++) {
                        if (all.get(i) == bad) {
                            java.util.concurrent.ExecutionException e = assertThrows(
                                    java.util.concurrent.ExecutionException.class, calls.get(i)::get);
                            BufferFlushException failed = assertInstanceOf(BufferFlushException.class, e.getCause());
                            assertEquals(List.of(bad.sessionId()), failed.unwrittenSessionIds());
                            assertRefusal(failed.getCause());
                        } else {
                            calls.get(i).get(10, TimeUnit.SECONDS);
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            good.forEach(BufferedTokenStoreKit.this::assertPersisted);
            assertNotPersisted(bad.sessionId());
            assertEquals(1, reported.size());
            assertTrue(reported.get(0).refused());
            assertEquals(List.of(bad.sessionId()), reported.get(0).sessionIds());
            assertEquals(0, buffer.stats().retries(), "a refusal is not retried");
            List<StoredSession> later = sessionsOf("u3", 5);
            later.forEach(buffer::storeSession);
            buffer.flush();
            later.forEach(BufferedTokenStoreKit.this::assertPersisted);
            assertEquals(0, buffer.stats().pending());
        }

        private void assertRefusal(Throwable cause) {
            TokenStoreException refusal = assertInstanceOf(TokenStoreException.class, cause);
            assertEquals(WriteFaults.REFUSED_STATE, refusal.sqlState());
            assertEquals(TokenStoreException.Kind.REFUSED, refusal.kind());
        }

        @ParameterizedTest
        @EnumSource(AckMode.class)
        @DisplayName("a backend that fails transiently (SQLState 08006) and then recovers loses nothing")
        void transientThenRecovers(AckMode mode) throws Exception {
            WriteFaults faults = WriteFaults.none().failNextTransiently(2);
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults),
                    b -> b.ackMode(mode).maxRetries(3).maxBatchSize(40));
            List<StoredSession> written = sessionsOf("u1", mode == AckMode.WRITE_BEHIND ? 100 : 10);
            written.forEach(buffer::storeSession);
            buffer.flush();
            written.forEach(BufferedTokenStoreKit.this::assertPersisted);
            assertEquals(2, buffer.stats().retries());
            assertEquals(0, buffer.stats().failures());
            assertTrue(reported.isEmpty());
        }

        @ParameterizedTest
        @EnumSource(AckMode.class)
        @DisplayName("close(timeout) over a hanging backend returns in time, reports every unwritten session by id, and closes the backend")
        void closeWithTimeoutOverHangingBackend(AckMode mode) throws Exception {
            WriteFaults faults = WriteFaults.none().hang();
            CapabilityHidingTokenStore delegate = CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults);
            BufferedTokenStore buffer = buffered(delegate, b -> b.ackMode(mode).maxBatchSize(10).maxRetries(0));
            List<StoredSession> written = sessionsOf("u1", 25);
            ExecutorService callers = Executors.newFixedThreadPool(written.size()); // group commit: one per caller
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (StoredSession s : written) {
                    calls.add(callers.submit(() -> buffer.storeSession(s)));
                }
                assertTrue(faults.awaitHanging(10), "the backend was never called");
                if (mode == AckMode.WRITE_BEHIND) {
                    for (Future<?> call : calls) {
                        call.get(10, TimeUnit.SECONDS);
                    }
                } else {
                    eventually("every caller queued", () -> buffer.stats().pending() == written.size());
                }
                BufferFlushException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                        Duration.ofSeconds(10), () -> assertThrows(BufferFlushException.class,
                                () -> buffer.close(Duration.ofMillis(100))));
                assertEquals(ids(written), e.unwrittenSessionIds().stream().sorted().collect(Collectors.toList()));
                assertTrue(e.getMessage().contains("25 session write(s) not written"), e.getMessage());
                assertTrue(delegate.closed(), "the backend is closed");
                if (mode == AckMode.GROUP_COMMIT) {
                    // A caller that found the buffer idle commits its own batch of one on its thread (no
                    // hand-off to the flusher), so like a raw call it is inside the backend until the
                    // backend answers; close releases every other caller at once.
                    eventually("every caller but a lone one writing its own batch returned",
                            () -> calls.stream().filter(Future::isDone).count() >= written.size() - 1);
                    faults.release();
                    for (Future<?> call : calls) {
                        java.util.concurrent.ExecutionException failed = assertThrows(
                                java.util.concurrent.ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
                        assertInstanceOf(TokenStoreException.class, failed.getCause());
                    }
                }
                assertThrows(IllegalStateException.class, () -> buffer.storeSession(data.session("u1")));
            } finally {
                faults.release();
                callers.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("writes racing a write-through: nothing acknowledged vanishes, nothing revoked comes back")
    class WriteThroughRaces {
        /** Queued-and-persisted: {@code s} is in the backend, and an update of it (same tokens) is queued. */
        private StoredSession persistedWithQueuedUpdate(BufferedTokenStore buffer, StoredSession s) {
            buffer.storeSession(s);
            buffer.flush();
            StoredSession update = new StoredSession(s.sessionId(), s.provider(), s.userInfo(), s.accessToken(),
                    s.refreshToken(), s.providerAccessToken(), "ghr_" + TestData.token(), s.providerExpiresAt(),
                    s.accessExpiresAt(), s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
            buffer.storeSession(update);
            return update;
        }

        /** The session as an update computed before a rotation would write it: new access token, the old refresh token. */
        private StoredSession staleCopy(StoredSession of) {
            StoredSession late = data.rotated(of);
            return new StoredSession(late.sessionId(), late.provider(), late.userInfo(), late.accessToken(),
                    of.refreshToken(), late.providerAccessToken(), late.providerRefreshToken(), late.providerExpiresAt(),
                    late.accessExpiresAt(), late.refreshExpiresAt(), late.issuedAt(), late.createdAt());
        }

        @Test
        @DisplayName("write-behind: a write accepted while a rotation writes the session's queue through is written too, never dropped")
        void writeDuringWriteThroughIsWritten() throws Exception {
            WriteFaults faults = WriteFaults.none();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults), b -> b);
            StoredSession s = data.session("u1");
            persistedWithQueuedUpdate(buffer, s);
            StoredSession next = data.rotated(s);
            faults.hang();
            ExecutorService rotator = Executors.newSingleThreadExecutor();
            StoredSession late = staleCopy(s);
            try {
                Future<dev.tokenstore.Rotation> rotation = rotator.submit(() -> buffer.rotateSession(s.refreshToken(), next));
                assertTrue(faults.awaitHanging(10), "the rotation writes the queued update through first");
                buffer.storeSession(late); // write-behind: acknowledged once queued
                faults.release();
                assertEquals(new dev.tokenstore.Rotation.Rotated(late), rotation.get(10, TimeUnit.SECONDS),
                        "the write accepted meanwhile was written through too, so the rotation replaced it");
            } finally {
                faults.release();
                rotator.shutdownNow();
            }
            buffer.flush();
            assertTrue(reported.isEmpty(), () -> "nothing lost, nothing to report: " + reported);
            assertEquals(Optional.of(next), raw.loadSessionById(s.sessionId()), "the rotation stands");
        }

        @Test
        @DisplayName("write-behind: a write accepted while the store rotates, that would revive the retired token, is refused and reported")
        void writeDuringDelegateRotationIsReported() throws Exception {
            WriteFaults faults = WriteFaults.none();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults), b -> b);
            StoredSession s = data.session("u1");
            buffer.storeSession(s);
            buffer.flush();
            StoredSession next = data.rotated(s);
            faults.hangRotations();
            ExecutorService rotator = Executors.newSingleThreadExecutor();
            try {
                Future<dev.tokenstore.Rotation> rotation = rotator.submit(() -> buffer.rotateSession(s.refreshToken(), next));
                assertTrue(faults.awaitHangingRotation(10), "the rotation reached the store");
                buffer.storeSession(staleCopy(s)); // acknowledged; it carries the token being retired
                faults.release();
                assertEquals(new dev.tokenstore.Rotation.Rotated(s), rotation.get(10, TimeUnit.SECONDS));
            } finally {
                faults.release();
                rotator.shutdownNow();
            }
            BufferFlushException unwritten = assertThrows(BufferFlushException.class, buffer::flush,
                    "the write queued during the rotation carries the retired refresh token: it is handed back");
            assertEquals(List.of(s.sessionId()), unwritten.unwrittenSessionIds());
            assertEquals(1, reported.size(), "and reported to onFlushError");
            assertTrue(reported.get(0).refused(), "as refused by the store");
            assertEquals(Optional.of(next), raw.loadSessionById(s.sessionId()), "the rotation stands");
            assertEquals(Optional.empty(), raw.loadSessionByRefreshToken(s.refreshToken()), "the retired token stays retired");
        }

        @Test
        @DisplayName("write-behind: a write accepted while a rotation writes through, that does not undo it, is written after it")
        void harmlessWriteDuringRotationIsWritten() throws Exception {
            WriteFaults faults = WriteFaults.none();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults), b -> b);
            StoredSession s = data.session("u1");
            StoredSession queued = persistedWithQueuedUpdate(buffer, s);
            StoredSession next = data.rotated(s);
            faults.hang();
            ExecutorService rotator = Executors.newSingleThreadExecutor();
            StoredSession other = data.session("u2");
            StoredSession afterRotation = data.rotated(next);
            try {
                Future<dev.tokenstore.Rotation> rotation = rotator.submit(() -> buffer.rotateSession(s.refreshToken(), next));
                assertTrue(faults.awaitHanging(10));
                buffer.storeSession(other);
                faults.release();
                assertEquals(new dev.tokenstore.Rotation.Rotated(queued), rotation.get(10, TimeUnit.SECONDS));
                buffer.storeSession(afterRotation);
            } finally {
                faults.release();
                rotator.shutdownNow();
            }
            buffer.flush();
            assertPersisted(other);
            assertPersisted(afterRotation);
            assertTrue(reported.isEmpty(), () -> "nothing to report: " + reported);
        }

        @Test
        @DisplayName("write-behind: a late flush does not bring back a session another instance revoked meanwhile; the write is reported")
        void lateFlushAfterAnotherInstanceRevoked() {
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            BufferedTokenStore buffer = buffered(b -> b);
            StoredSession s = data.session("u-late");
            StoredSession lastSeen = persistedWithQueuedUpdate(buffer, s);
            TokenStore otherInstance = openRaw(b -> b);
            assertEquals(1, otherInstance.deleteSessionsByUser(s.userId()));
            BufferFlushException unwritten = assertThrows(BufferFlushException.class, buffer::flush);
            assertEquals(List.of(lastSeen.sessionId()), unwritten.unwrittenSessionIds());
            assertTrue(reported.get(0).refused(), "refused by the store, reported to onFlushError");
            assertEquals(Optional.empty(), raw.loadSessionByAccessToken(s.accessToken()), "the revocation stands");
            assertEquals(Optional.empty(), otherInstance.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("revoking by access token revokes what the backend holds under it even with a replacement queued, and it stays revoked when that replacement is refused")
        void revokeByTokenWithQueuedReplacement() {
            WriteFaults faults = WriteFaults.none();
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, faults), b -> b);
            StoredSession s = data.session("u1");
            buffer.storeSession(s);
            buffer.flush();
            StoredSession replacement = data.rotated(s);
            buffer.storeSession(replacement);
            faults.refuse(s.sessionId());
            assertTrue(buffer.deleteSessionByAccessToken(s.accessToken()), "the backend held a session under the token");
            try {
                buffer.flush();
            } catch (BufferFlushException e) {
                assertEquals(List.of(s.sessionId()), e.unwrittenSessionIds());
            }
            assertEquals(Optional.empty(), raw.loadSessionByAccessToken(s.accessToken()), "the revoked token finds nothing");
            assertEquals(Optional.empty(), raw.loadSessionById(s.sessionId()));
            faults.heal();
            TokenStoreException refused = assertThrows(TokenStoreException.class, () -> raw.storeSession(replacement));
            assertEquals(TokenStoreException.Kind.REFUSED, refused.kind(), "the session is revoked, not just deleted");
        }

        @Test
        @DisplayName("revoking by access token returns false only when no session held it, queued or persisted")
        void revokeByTokenFalseOnlyWhenNobodyHeldIt() {
            BufferedTokenStore buffer = buffered(b -> b);
            assertFalse(buffer.deleteSessionByAccessToken("at-" + TestData.token()));
            StoredSession queuedOnly = data.session("u1");
            buffer.storeSession(queuedOnly);
            assertTrue(buffer.deleteSessionByAccessToken(queuedOnly.accessToken()));
            buffer.flush();
            assertNotPersisted(queuedOnly.sessionId());
        }

        @Test
        @DisplayName("group commit: a write of a revoked session queued behind the revocation fails its caller, REFUSED")
        void groupCommitWriteAfterRevocationFails() {
            BufferedTokenStore buffer = buffered(b -> b.ackMode(AckMode.GROUP_COMMIT).maxDelay(Duration.ofMillis(1)));
            StoredSession s = data.session("u1");
            buffer.storeSession(s);
            assertTrue(buffer.deleteSessionById(s.sessionId()));
            TokenStoreException e = assertThrows(TokenStoreException.class, () -> buffer.storeSession(data.rotated(s)));
            assertEquals(TokenStoreException.Kind.REFUSED, e.kind());
            assertNotPersisted(s.sessionId());
        }
    }

    @Nested
    @DisplayName("close")
    class Close {
        @Test
        @DisplayName("close() drains everything queued: nothing acknowledged is lost")
        void drainOnClose() {
            CapabilityHidingTokenStore delegate = CapabilityHidingTokenStore.over(raw, Flavor.NATIVE, WriteFaults.none());
            BufferedTokenStore buffer = buffered(delegate, b -> b.maxBatchSize(500));
            List<StoredSession> written = sessionsOf("u1", 2000);
            written.forEach(buffer::storeSession);
            buffer.close();
            assertTrue(delegate.closed(), "close() closes the store it wraps");
            written.forEach(BufferedTokenStoreKit.this::assertPersisted);
        }

        @Test
        @DisplayName("after close() writes and reads throw IllegalStateException; closing twice is harmless")
        void closedRefuses() {
            BufferedTokenStore buffer = buffered(b -> b);
            buffer.close();
            assertThrows(IllegalStateException.class, () -> buffer.storeSession(data.session("u1")));
            assertThrows(IllegalStateException.class, () -> buffer.loadSessionById("sid-x"));
            assertThrows(IllegalStateException.class, () -> buffer.deleteSessionsByUser("u1"));
            assertThrows(IllegalStateException.class, buffer::flush);
            buffer.close();
        }
    }

    @Nested
    @DisplayName("flush paths agree")
    class Parity {
        @ParameterizedTest(name = "{0} delegate ends with the same sessions as a single-op delegate")
        @EnumSource(value = Flavor.class, names = {"BULK", "TRANSACTIONAL"})
        @DisplayName("bulk and transactional delegates end with the same sessions as a single-op delegate")
        void sameOutcome(Flavor flavor) {
            assumeTrue(flavor.availableOn(raw), () -> "backend has no " + flavor + " capability");
            List<Step> script = script();
            Map<String, Object> expected = runAndSnapshot(Flavor.SINGLE_OP, script, raw);
            // on fresh storage: the script's revocations are final, so its sessions cannot be stored again here
            Map<String, Object> actual = runAndSnapshot(flavor, script, openRaw(extraStorage(), b -> b));
            assertEquals(expected, actual);
        }

        /** One step of the parity script. */
        private record Step(String op, StoredSession session, String key) {
        }

        private List<Step> script() {
            List<Step> steps = new ArrayList<>();
            List<StoredSession> live = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                StoredSession s = data.session("parity-user-" + (i % 8));
                live.add(s);
                steps.add(new Step("store", s, null));
                if (i % 40 == 39) {
                    steps.add(new Step("flush", null, null));
                }
            }
            for (int i = 0; i < 120; i += 3) {
                StoredSession rotated = data.rotated(live.get(i));
                live.set(i, rotated);
                steps.add(new Step("store", rotated, null));
            }
            steps.add(new Step("deleteById", null, live.get(1).sessionId()));
            steps.add(new Step("deleteByAccessToken", null, live.get(2).accessToken()));
            steps.add(new Step("deleteByAccessToken", null, live.get(3).accessToken()));
            steps.add(new Step("flush", null, null));
            for (int i = 0; i < 120; i += 5) {
                StoredSession rotated = data.rotated(live.get(i));
                live.set(i, rotated);
                steps.add(new Step("store", rotated, null));
            }
            steps.add(new Step("deleteByUser", null, "parity-user-5"));
            steps.add(new Step("deleteById", null, live.get(10).sessionId()));
            return steps;
        }

        private Map<String, Object> runAndSnapshot(Flavor flavor, List<Step> script, TokenStore raw) {
            BufferedTokenStore buffer = buffered(CapabilityHidingTokenStore.over(raw, flavor, WriteFaults.none()),
                    b -> b.maxBatchSize(16));
            for (Step step : script) {
                switch (step.op()) {
                    case "store" -> buffer.storeSession(step.session());
                    case "flush" -> buffer.flush();
                    case "deleteById" -> buffer.deleteSessionById(step.key());
                    case "deleteByAccessToken" -> buffer.deleteSessionByAccessToken(step.key());
                    case "deleteByUser" -> buffer.deleteSessionsByUser(step.key());
                    default -> throw new IllegalStateException(step.op());
                }
            }
            buffer.close();
            Map<String, Object> snapshot = new LinkedHashMap<>();
            Set<String> seenIds = new LinkedHashSet<>();
            for (Step step : script) {
                if (step.session() == null) {
                    continue;
                }
                StoredSession s = step.session();
                if (seenIds.add(s.sessionId())) {
                    snapshot.put("id " + s.sessionId(), raw.loadSessionById(s.sessionId()));
                }
                snapshot.put("access " + s.accessToken(), raw.loadSessionByAccessToken(s.accessToken())
                        .map(StoredSession::sessionId));
                snapshot.put("refresh " + s.refreshToken(), raw.loadSessionByRefreshToken(s.refreshToken())
                        .map(StoredSession::sessionId));
            }
            return snapshot;
        }
    }

    @Nested
    @DisplayName("many writers")
    class ManyWriters {
        @Test
        @DisplayName("8 writer threads × 10,000 writes, then close: every session's last write is persisted")
        void eightWriters() throws Exception {
            int threads = 8;
            int writes = 10_000;
            int sessionsPerThread = 50;
            BufferedTokenStore buffer = buffered(b -> b.maxBatchSize(1000).maxDelay(Duration.ofMillis(20)));
            StoredSession[][] last = new StoredSession[threads][sessionsPerThread];
            Concurrent.run(threads, t -> {
                UserInfo user = data.user("writer-" + t);
                Instant now = data.now();
                String prefix = "w" + t + "-" + TestData.token().substring(0, 8) + "-";
                for (int i = 0; i < writes; i++) {
                    int k = i % sessionsPerThread;
                    StoredSession s = new StoredSession(prefix + k, "github", user, "at-" + prefix + k + "-" + i,
                            "rt-" + prefix + k + "-" + i, null, null, null, now.plus(Duration.ofHours(1)),
                            now.plus(Duration.ofDays(1)), now, now);
                    buffer.storeSession(s);
                    last[t][k] = s;
                }
            });
            buffer.close();
            for (StoredSession[] perThread : last) {
                for (StoredSession s : perThread) {
                    assertPersisted(s);
                    assertEquals(Optional.of(s), raw.loadSessionByAccessToken(s.accessToken()));
                }
            }
            BufferStats stats = buffer.stats();
            assertEquals((long) threads * writes, stats.flushed() + stats.coalesced());
        }
    }
}

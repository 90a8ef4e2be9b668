package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.Availability;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.buffer.FlushFailure;
import dev.tokenstore.cache.CachingTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * "Database unavailable": what a store and its wrappers do while the database is down, for
 * backends whose {@link TestStorage#canStopDatabase()} (the others report these tests as skipped).
 * The database is stopped under open stores and started again; the kit checks that calls fail with
 * {@link DatabaseUnavailableException}, each in at most {@value #FAIL_FAST_MILLIS} ms once the
 * store's circuit breaker is open; that cached hits are still served within their TTL and never
 * past it; that write-behind keeps its writes (read-your-writes holds), backs off instead of
 * retrying in a loop, and stores all of them after the restart; that a full buffer and group
 * commit fail their callers at once; and that the store recovers without being reopened.
 * Cool-downs are passed by moving the kit's clock (the store's clock judges them); waits for the
 * server use deadlines. {@link #dataErrorsNeverOpenTheBreaker()} needs no stop and runs on every
 * store that reports its {@link Availability}.
 */
public abstract class DatabaseUnavailableKit extends StoreKit {
    /** Most a call may take once the breaker is open (the bound). */
    static final long FAIL_FAST_MILLIS = 10;
    /** Timed attempts per fail-fast check; the fastest is judged (see {@link #failsFast}). */
    static final int TIMED_ATTEMPTS = 3;
    /** Most a buffered call may take to fail while the database is unavailable (a thread hand-off). */
    static final Duration PROMPT = Duration.ofSeconds(1);
    /** Longest the kit waits for the database or a flush. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    /** How far past the last failure the kit's clock is moved while the breaker is open: past any sensible cool-down. */
    static final Duration COOL_DOWN_STEP = Duration.ofSeconds(5);
    static final String CANNOT_STOP = "this backend's TestStorage cannot stop its database (canStopDatabase() is false)";

    /**
     * What the cache tests put under the cache, over the raw store: the raw store itself by default.
     * A run that returns a stack (the starter's buffer, say) shows the outage behaviour is the same
     * through it, since every capability the cache uses (database health, the change feed) passes
     * through the feature view.
     */
    protected TokenStore underCache(TokenStore raw) {
        return raw;
    }

    @Test
    @DisplayName("after the database stops, calls fail as unavailable, at once when the breaker is open; it recovers by itself")
    void failsFastAndRecovers() {
        assumeTrue(storage.canStopDatabase(), CANNOT_STOP);
        TokenStore raw = openRaw(b -> b);
        StoredSession s = data.session("ada");
        AuthCodeRecord code = data.authCode();
        raw.storeSession(s);
        raw.storeAuthCode(code);
        Instant stoppedAt = clock.instant();
        storage.stopDatabase();
        try {
            Instant since = tripOpen(raw, () -> raw.loadSessionById(s.sessionId()));
            assertFalse(since.isBefore(stoppedAt), "since " + since + " is before the stop at " + stoppedAt);
            List<Executable> calls = List.of(
                    () -> raw.loadSessionById(s.sessionId()),
                    () -> raw.loadSessionByAccessToken(s.accessToken()),
                    () -> raw.storeSession(data.session("bob")),
                    () -> raw.consumeAuthCode(code.code()),
                    () -> raw.deleteSessionById(s.sessionId()),
                    () -> raw.listClients());
            for (int round = 0; round < 10; round++) {
                for (Executable call : calls) {
                    DatabaseUnavailableException e = failsFast(call, FAIL_FAST_MILLIS);
                    assertEquals(since, e.since(), "the same outage");
                    assertTrue(e.getMessage().contains(since.toString()), e.getMessage());
                }
            }
        } finally {
            storage.startDatabase();
        }
        assertEquals(Optional.of(s), recover(raw, () -> raw.loadSessionById(s.sessionId())), "data kept, not deleted");
        StoredSession after = data.session("bob");
        raw.storeSession(after);
        assertEquals(Optional.of(after), raw.loadSessionByAccessToken(after.accessToken()));
        assertEquals(Optional.of(code), raw.consumeAuthCode(code.code()), "the failed consume took nothing");
        assertEquals(Optional.empty(), raw.consumeAuthCode(code.code()));
        raw.features().databaseHealth().ifPresent(health -> {
            assertEquals(Availability.State.CLOSED, health.availability().state());
            assertNull(health.availability().unavailableSince());
        });
    }

    @Test
    @DisplayName("serving through an outage chosen: cached hits are served within their TTL, never past it; misses fail fast")
    void cachedHitsKeepWorking() {
        assumeTrue(storage.canStopDatabase(), CANNOT_STOP);
        TokenStore raw = openRaw(b -> b);
        CachingTokenStore cached = track(CachingTokenStore.builder(underCache(raw)).clock(clock).ttlCap(Duration.ofMinutes(5))
                .skew(Duration.ofSeconds(1)).serveHitsWhileDatabaseUnavailable(Duration.ofMinutes(10)).build());
        StoredSession hot = data.session("ada");
        StoredSession revoked = data.session("bob");
        cached.storeSession(hot);
        cached.storeSession(revoked);
        assertEquals(Optional.of(hot), cached.loadSessionByAccessToken(hot.accessToken()));
        assertEquals(Optional.of(hot), cached.loadSessionById(hot.sessionId()));
        assertEquals(Optional.of(revoked), cached.loadSessionByAccessToken(revoked.accessToken()));
        assertTrue(cached.deleteSessionById(revoked.sessionId()));
        // The change feed echoes these writes back to this cache a moment later, which makes it
        // reload the entries once; let the echo arrive, then cache them again, before the outage.
        long written = System.nanoTime();
        Eventually.within(Eventually.FEED_DEADLINE, "the feed has delivered the writes above",
                () -> cached.changeFeedLag().map(lag -> System.nanoTime() - lag.toNanos() - written > 0).orElse(true));
        assertEquals(Optional.of(hot), cached.loadSessionByAccessToken(hot.accessToken()));
        assertEquals(Optional.of(hot), cached.loadSessionById(hot.sessionId()));
        storage.stopDatabase();
        try {
            tripOpen(raw, () -> cached.loadSessionByAccessToken("at-never-seen-" + TestData.token()));
            for (int i = 0; i < 100; i++) {
                answersFast(() -> {
                    assertEquals(Optional.of(hot), cached.loadSessionByAccessToken(hot.accessToken()), "a cached hit");
                    assertEquals(Optional.of(hot), cached.loadSessionById(hot.sessionId()));
                }, FAIL_FAST_MILLIS);
                failsFast(() -> cached.loadSessionByAccessToken("at-never-seen-" + TestData.token()), FAIL_FAST_MILLIS);
                Optional<StoredSession> gone = notServed(() -> cached.loadSessionByAccessToken(revoked.accessToken()));
                assertEquals(Optional.empty(), gone, "a revoked session never comes back");
            }
            clock.advance(Duration.ofMinutes(5));
            assertEquals(Optional.empty(), notServed(() -> cached.loadSessionByAccessToken(hot.accessToken())),
                    "past its TTL an entry is not served, even while the database is down");
        } finally {
            storage.startDatabase();
        }
        assertEquals(Optional.of(hot), recover(raw, () -> cached.loadSessionByAccessToken(hot.accessToken())));
        assertEquals(Optional.empty(), cached.loadSessionByAccessToken(revoked.accessToken()));
    }

    @Test
    @DisplayName("by default a cache stops answering from memory once its feed is maxStaleness behind, though the database is down")
    void byDefaultHitsStopAtMaxStaleness() {
        assumeTrue(storage.canStopDatabase(), CANNOT_STOP);
        TokenStore raw = openRaw(b -> b);
        Duration maxStaleness = Duration.ofMillis(300);
        CachingTokenStore cached = track(CachingTokenStore.builder(underCache(raw)).clock(clock).maxStaleness(maxStaleness).build());
        assertEquals(Duration.ZERO, cached.serveHitsWhileDatabaseUnavailable(), "off by default");
        StoredSession hot = warmAfterEcho(cached);
        storage.stopDatabase();
        try {
            HitsSeen seen = watchHits(cached, raw, hot, maxStaleness);
            assertTrue(seen.served > 0, "hits were served while the feed was within maxStaleness");
            // and still not once the store itself reports the database unavailable (its breaker open)
            tripOpen(raw, () -> cached.loadSessionByAccessToken("at-never-seen-" + TestData.token()));
            for (int i = 0; i < 20; i++) {
                assertEquals(Optional.empty(), notServed(() -> cached.loadSessionByAccessToken(hot.accessToken())),
                        "not served from memory with the breaker open and the feed behind");
            }
        } finally {
            storage.startDatabase();
        }
        assertEquals(Optional.of(hot), recover(raw, () -> cached.loadSessionByAccessToken(hot.accessToken())));
    }

    @Test
    @DisplayName("serving through an outage starts at once on the feed's failed reconnects and ends at the chosen bound")
    void outageServingIsBounded() {
        assumeTrue(storage.canStopDatabase(), CANNOT_STOP);
        TokenStore raw = openRaw(b -> b);
        Duration maxStaleness = Duration.ofMillis(200);
        Duration upTo = Duration.ofMillis(1500);
        CachingTokenStore cached = track(CachingTokenStore.builder(underCache(raw)).clock(clock).maxStaleness(maxStaleness)
                .serveHitsWhileDatabaseUnavailable(upTo).build());
        StoredSession hot = warmAfterEcho(cached);
        storage.stopDatabase();
        try {
            HitsSeen seen = watchHits(cached, raw, hot, upTo);
            // No call reached the database before (hits do not), so its breaker was closed: the feed's
            // failed reconnects alone told the cache that the database is unavailable.
            assertTrue(seen.longestServedLagBreakerClosed.compareTo(maxStaleness) >= 0, "hits were served past "
                    + "maxStaleness with the breaker closed; the feed was behind "
                    + seen.longestServedLagBreakerClosed.toMillis() + " ms at most");
        } finally {
            storage.startDatabase();
        }
        assertEquals(Optional.of(hot), recover(raw, () -> cached.loadSessionByAccessToken(hot.accessToken())));
    }

    /** What {@link #watchHits} saw. */
    private static final class HitsSeen {
        int served;
        /** The feed's longest lag at a hit served while the raw store's breaker was closed. */
        Duration longestServedLagBreakerClosed = Duration.ZERO;
    }

    /**
     * Looks {@code s} up through {@code cached} while the database is down, until the cache has
     * refused it a few times in a row with its feed at least {@code bound} behind; every hit served
     * must have been served with the feed less than {@code bound} behind (read before the call, so
     * the lag at the call was no smaller: nothing confirms while the database is down).
     */
    private static HitsSeen watchHits(CachingTokenStore cached, TokenStore raw, StoredSession s, Duration bound) {
        HitsSeen seen = new HitsSeen();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int refusedPastBound = 0;
        while (refusedPastBound < 5) {
            Duration lag = cached.changeFeedLag().orElseThrow();
            boolean breakerClosed = raw instanceof DatabaseHealth health
                    && health.availability().state() == Availability.State.CLOSED;
            Optional<StoredSession> answer = notServed(() -> cached.loadSessionByAccessToken(s.accessToken()));
            if (answer.isPresent()) {
                assertTrue(lag.compareTo(bound) < 0, "served with the feed " + lag.toMillis() + " ms behind, bound "
                        + bound.toMillis() + " ms");
                seen.served++;
                if (breakerClosed && lag.compareTo(seen.longestServedLagBreakerClosed) > 0) {
                    seen.longestServedLagBreakerClosed = lag;
                }
            } else if (lag.compareTo(bound) >= 0) {
                refusedPastBound++;
            }
            if (System.nanoTime() > deadline) {
                fail("the cache did not fail closed within " + DEADLINE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return seen;
    }

    /** Stores a session, lets the feed echo the write back, and caches it again; returns it. */
    private StoredSession warmAfterEcho(CachingTokenStore cached) {
        StoredSession hot = data.session("ada");
        cached.storeSession(hot);
        long written = System.nanoTime();
        Eventually.within(Eventually.FEED_DEADLINE, "the feed has delivered the write",
                () -> cached.changeFeedLag().map(lag -> System.nanoTime() - lag.toNanos() - written > 0).orElse(true));
        assertEquals(Optional.of(hot), cached.loadSessionByAccessToken(hot.accessToken()));
        return hot;
    }

    @Test
    @DisplayName("write-behind keeps accepting during the outage, reads its writes, backs off, and stores them all after the restart")
    void writeBehindKeepsWrites() {
        assumeTrue(storage.canStopDatabase(), CANNOT_STOP);
        TokenStore raw = openRaw(b -> b);
        Duration backoff = Duration.ofMillis(10);
        List<Long> reports = new CopyOnWriteArrayList<>();
        BufferedTokenStore buffered = track(BufferedTokenStore.builder(raw).clock(clock).ackMode(AckMode.WRITE_BEHIND)
                .maxPending(1_000).maxBatchSize(100).maxDelay(Duration.ofMillis(5)).retryBackoff(backoff)
                .onFlushError((FlushFailure f) -> reports.add(System.nanoTime())).build());
        StoredSession before = data.session("ada");
        buffered.storeSession(before);
        buffered.flush();
        List<StoredSession> written = new ArrayList<>();
        storage.stopDatabase();
        try {
            for (int i = 0; i < 100; i++) {
                StoredSession s = data.session("user-" + (i % 10));
                buffered.storeSession(s);
                written.add(s);
            }
            for (StoredSession s : written) {
                assertEquals(Optional.of(s), buffered.loadSessionById(s.sessionId()), "read-your-writes");
                assertEquals(Optional.of(s), buffered.loadSessionByAccessToken(s.accessToken()));
            }
            await(() -> reports.size() >= 7, "seven failed flush attempts");
            // No hot loop: while the database stays unavailable each attempt waits at least the
            // back-off, which doubles per failed attempt (up to 32 x retryBackoff).
            List<Long> at = List.copyOf(reports);
            for (int i = 1; i < 7; i++) {
                long gap = TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1));
                long least = backoff.toMillis() << Math.min(i - 1, 5);
                assertTrue(gap >= least * 9 / 10, "flush attempt " + (i + 1) + " came " + gap + " ms after the one "
                        + "before; expected at least " + least + " ms");
            }
            assertEquals(100, buffered.stats().pending(), "nothing dropped");
        } finally {
            storage.startDatabase();
        }
        await(() -> {
            moveClockIfOpen(raw);
            return buffered.stats().pending() == 0;
        }, "the buffer flushed after the restart");
        buffered.flush();
        TokenStore fresh = openRaw(b -> b);
        for (StoredSession s : written) {
            assertEquals(Optional.of(s), fresh.loadSessionById(s.sessionId()), "stored after the restart");
        }
        assertEquals(Optional.of(before), fresh.loadSessionById(before.sessionId()));
    }

    @Test
    @DisplayName("a full write-behind buffer and group commit fail their callers at once while the database is unavailable")
    void fullBufferAndGroupCommitFailFast() {
        assumeTrue(storage.canStopDatabase(), CANNOT_STOP);
        TokenStore raw = openRaw(b -> b);
        BufferedTokenStore behind = track(BufferedTokenStore.builder(raw).clock(clock).ackMode(AckMode.WRITE_BEHIND)
                .maxPending(10).maxBatchSize(10).maxDelay(Duration.ofMillis(5)).retryBackoff(Duration.ofMillis(10))
                .enqueueTimeout(Duration.ofSeconds(30)).build());
        BufferedTokenStore group = track(BufferedTokenStore.builder(raw).clock(clock).ackMode(AckMode.GROUP_COMMIT)
                .maxDelay(Duration.ofMillis(2)).retryBackoff(Duration.ofMillis(10)).build());
        StoredSession probe = data.session("ada");
        raw.storeSession(probe);
        List<StoredSession> accepted = new ArrayList<>();
        storage.stopDatabase();
        try {
            Instant since = tripOpen(raw, () -> raw.loadSessionById(probe.sessionId()));
            for (int i = 0; i < 10; i++) {
                StoredSession s = data.session("bob");
                behind.storeSession(s);
                accepted.add(s);
            }
            await(() -> behind.stats().failures() > 0, "the buffer's first failed flush");
            for (int i = 0; i < 5; i++) {
                DatabaseUnavailableException full = failsFast(() -> behind.storeSession(data.session("cyd")),
                        PROMPT.toMillis());
                assertTrue(full.getMessage().contains("full"), full.getMessage());
                assertEquals(since, full.since());
                DatabaseUnavailableException refused = failsFast(() -> group.storeSession(data.session("dan")),
                        PROMPT.toMillis());
                assertEquals(since, refused.since());
            }
            assertEquals(10, behind.stats().pending(), "what was accepted is kept");
        } finally {
            storage.startDatabase();
        }
        await(() -> {
            moveClockIfOpen(raw);
            return behind.stats().pending() == 0;
        }, "the buffer flushed after the restart");
        for (StoredSession s : accepted) {
            assertEquals(Optional.of(s), raw.loadSessionById(s.sessionId()));
        }
        StoredSession after = data.session("eve");
        group.storeSession(after);
        assertEquals(Optional.of(after), raw.loadSessionById(after.sessionId()));
    }

    @Test
    @DisplayName("bad input, constraint violations and missing rows never open the breaker")
    void dataErrorsNeverOpenTheBreaker() {
        TokenStore raw = openRaw(b -> b);
        assumeTrue(raw.features().databaseHealth().isPresent(), "the store does not report its availability (not a DatabaseHealth)");
        DatabaseHealth health = raw.features().databaseHealth().orElseThrow();
        StoredSession a = data.session("ada");
        raw.storeSession(a);
        StoredSession clash = new StoredSession("sid-" + TestData.token(), "github", data.user("bob"), a.accessToken(),
                null, null, null, null, a.accessExpiresAt(), null, a.issuedAt(), a.createdAt());
        for (int i = 0; i < 30; i++) {
            assertThrows(IllegalArgumentException.class, () -> raw.storeSession(clash), "token held by another session");
            assertThrows(IllegalArgumentException.class, () -> raw.loadSessionById(" "));
            assertThrows(IllegalArgumentException.class, () -> raw.consumeState(""));
            assertEquals(Optional.empty(), raw.consumeAuthCode("no-such-code-" + i));
        }
        Availability now = health.availability();
        assertEquals(Availability.State.CLOSED, now.state());
        assertNull(now.unavailableSince());
        assertNull(now.lastFailure());
        assertEquals(Optional.of(a), raw.loadSessionById(a.sessionId()));
    }

    // ------------------------------------------------------------------------------------ helpers

    /**
     * Calls {@code call} until the store fails fast: every call must fail with
     * {@link DatabaseUnavailableException}; done when the breaker reports open (or, for a store that
     * does not report it, when a call fails within the bound). Returns the outage's start.
     */
    private Instant tripOpen(TokenStore raw, Executable call) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            long start = System.nanoTime();
            DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, call,
                    "with the database stopped, calls fail as unavailable");
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            Optional<DatabaseHealth> health = raw.features().databaseHealth();
            boolean open = health.isPresent() ? health.get().availability().state() == Availability.State.OPEN
                    : elapsedMillis(start) <= FAIL_FAST_MILLIS;
            if (open) {
                return e.since();
            }
            if (System.nanoTime() > deadline) {
                fail("the store did not start failing fast within " + DEADLINE);
            }
        }
    }

    /**
     * Asserts that {@code call} fails as unavailable within {@code boundMillis}. Every attempt must
     * fail as unavailable; the time is judged on the fastest of up to {@value #TIMED_ATTEMPTS}
     * attempts, so one garbage-collection pause or descheduling on a loaded 2-core CI machine does
     * not fail the kit, while a call that really waits (for a connect or busy timeout) exceeds the
     * bound on every attempt.
     */
    private static DatabaseUnavailableException failsFast(Executable call, long boundMillis) {
        DatabaseUnavailableException[] last = new DatabaseUnavailableException[1];
        long fastest = fastestMillis(() -> last[0] = assertThrows(DatabaseUnavailableException.class, call),
                boundMillis);
        assertTrue(fastest <= boundMillis, "failed only after " + fastest + " ms at the fastest of " + TIMED_ATTEMPTS
                + " attempts (bound " + boundMillis + " ms): " + last[0].getMessage());
        return last[0];
    }

    /** Asserts that {@code call} returns within {@code boundMillis}, judged as {@link #failsFast} judges. */
    private static void answersFast(Runnable call, long boundMillis) {
        long fastest = fastestMillis(call, boundMillis);
        assertTrue(fastest <= boundMillis, "answered only after " + fastest + " ms at the fastest of " + TIMED_ATTEMPTS
                + " attempts (bound " + boundMillis + " ms)");
    }

    /** Runs {@code attempt} up to {@value #TIMED_ATTEMPTS} times, until one is within the bound; the fastest time. */
    private static long fastestMillis(Runnable attempt, long boundMillis) {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < TIMED_ATTEMPTS && fastest > boundMillis; i++) {
            long start = System.nanoTime();
            attempt.run();
            fastest = Math.min(fastest, elapsedMillis(start));
        }
        return fastest;
    }

    /** What a lookup gives while the database is down: its answer, or empty if it failed as unavailable. */
    private static Optional<StoredSession> notServed(Supplier<Optional<StoredSession>> lookup) {
        try {
            return lookup.get();
        } catch (DatabaseUnavailableException e) {
            return Optional.empty();
        }
    }

    /** Retries {@code call} until the database answers again, moving the clock past each cool-down. */
    private <T> T recover(TokenStore raw, Supplier<T> call) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (DatabaseUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the store did not recover within " + DEADLINE, e);
                }
                moveClockIfOpen(raw);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    /** Lets the breaker's next call be a probe (the cool-down is judged by the kit's clock). */
    private void moveClockIfOpen(TokenStore raw) {
        Optional<DatabaseHealth> health = raw.features().databaseHealth();
        if (health.isEmpty()) {
            clock.advance(Duration.ofMillis(100));
            return;
        }
        Availability now = health.get().availability();
        if (now.state() == Availability.State.OPEN && now.lastFailureAt() != null) {
            Instant probeDue = now.lastFailureAt().plus(COOL_DOWN_STEP);
            if (clock.instant().isBefore(probeDue)) {
                clock.set(probeDue);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not seen within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

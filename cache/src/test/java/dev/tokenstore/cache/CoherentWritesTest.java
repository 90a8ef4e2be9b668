package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cache's write path on its own, over real session and client caches: what a write touched is
 * invalidated after it, also when it failed; feed events invalidate alike; a reset drops everything.
 */
@DisplayName("coherent writes: invalidate after every write, and on every feed event")
class CoherentWritesTest {
    private final TestClock clock = new TestClock();
    private final ForwardingStore delegate = new ForwardingStore(new InMemoryTokenStore(clock));
    private final Counters counters = new Counters();
    private final FeedHealth health = new FeedHealth(1, 0, () -> { }, () -> false);
    private final ClockTicker ticker = new ClockTicker(clock);
    private final SessionCache sessions = new SessionCache(100, Duration.ofMinutes(5), Duration.ZERO,
            Duration.ofSeconds(2), ticker, counters, health, delegate);
    private final ClientCache clients = new ClientCache(100, Duration.ofMinutes(5), Duration.ofSeconds(2), null, null,
            ticker, counters, delegate::loadClient, health);
    private final CoherentWrites writes = new CoherentWrites(sessions, clients, counters);

    private StoredSession cachedSession() {
        StoredSession s = Sessions.session(clock, "u1");
        delegate.inner.storeSession(s);
        sessions.byId(s.sessionId());
        sessions.byId(s.sessionId());
        assertEquals(1, delegate.sessionReads.get(), "cached after one load");
        return s;
    }

    @Test
    @DisplayName("a write is run, then the keys it touched miss")
    void invalidatesAfterTheWrite() {
        StoredSession s = cachedSession();
        int answer = writes.write(new Changes().sessionDeleted(s.sessionId()), () -> 7);
        assertEquals(7, answer);
        sessions.byId(s.sessionId());
        assertEquals(2, delegate.sessionReads.get());
        assertEquals(1, counters.invalidations.sum());
    }

    @Test
    @DisplayName("a write that fails still invalidates what it may have touched")
    void invalidatesWhenTheWriteFails() {
        StoredSession s = cachedSession();
        assertThrows(IllegalStateException.class, () -> writes.write(new Changes().sessionStored(s), () -> {
            throw new IllegalStateException("delegate failed");
        }));
        sessions.byId(s.sessionId());
        assertEquals(2, delegate.sessionReads.get());
    }

    @Test
    @DisplayName("a feed event invalidates like a local write and counts each key; clients too")
    void feedEvent() {
        StoredSession s = cachedSession();
        ClientRecord client = Sessions.client(clock, "c1", "one");
        delegate.inner.storeClient(client);
        clients.get("c1");
        writes.onChange(ChangeEvent.builder().sessionRemoved(s.sessionId()).clientChanged("c1").build());
        assertEquals(2, counters.invalidations.sum());
        sessions.byId(s.sessionId());
        clients.get("c1");
        assertEquals(2, delegate.sessionReads.get());
        assertEquals(2, delegate.clientReads.get());
    }

    @Test
    @DisplayName("a reset drops everything and counts as one invalidation")
    void reset() {
        StoredSession s = cachedSession();
        writes.onChange(ChangeEvent.RESET);
        assertEquals(1, counters.invalidations.sum());
        sessions.byAccessToken(s.accessToken());
        sessions.byId(s.sessionId());
        assertEquals(3, delegate.sessionReads.get());
    }
}

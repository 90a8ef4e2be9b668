package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A change event from another instance that carries one malformed entry among good ones: the cache
 * skips the bad entry and still applies every other, so nothing the event names is served.
 */
class BadChangeEntryTest {
    private final Clock clock = Clock.systemUTC();

    /** A delegate whose feed the test drives: always caught up, delivering what the test hands it. */
    private static final class ScriptedFeedStore extends ForwardingStore implements ChangeFeed {
        final AtomicReference<ChangeListener> listener = new AtomicReference<>();

        ScriptedFeedStore() {
            super(new InMemoryTokenStore());
        }

        @Override
        public ChangeSubscription subscribe(ChangeListener l) {
            listener.set(l);
            return new ChangeSubscription() {
                @Override
                public long caughtUpNanos() {
                    return System.nanoTime();
                }

                @Override
                public void close() {
                    listener.set(null);
                }
            };
        }
    }

    @Test
    void everyGoodEntryStillApplies() {
        ScriptedFeedStore delegate = new ScriptedFeedStore();
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).build()) {
            List<StoredSession> sessions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                StoredSession s = Sessions.session(clock, "u" + i);
                cached.storeSession(s);
                assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()), "cached now");
                sessions.add(s);
            }
            // another instance revokes them all, bypassing this cache, and its event carries one bad entry
            List<String> hashes = new ArrayList<>();
            for (StoredSession s : sessions) {
                delegate.inner.deleteSessionByAccessToken(s.accessToken());
                hashes.add(s.accessTokenHash());
            }
            hashes.add("not-a-sha256-hash");
            delegate.listener.get().onChange(new ChangeEvent(false, Set.of(), Set.copyOf(hashes), Set.of("??"), Set.of()));
            for (StoredSession s : sessions) {
                assertTrue(cached.loadSessionByAccessToken(s.accessToken()).isEmpty(),
                        "every well-formed hash of the event was applied");
            }
        }
    }
}

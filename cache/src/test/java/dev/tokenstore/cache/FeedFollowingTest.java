package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which feed the cache follows, when it subscribes, and that closing ends the subscription. */
@DisplayName("feed following: follow the delegate's change feed if it has one and it is wanted")
class FeedFollowingTest {
    private final TestClock clock = new TestClock();
    private final List<ChangeEvent> heard = new CopyOnWriteArrayList<>();

    private static FeedFollowing following(dev.tokenstore.TokenStore delegate, boolean follow) {
        return new FeedFollowing(delegate, follow, Duration.ofSeconds(1), Duration.ZERO, () -> { });
    }

    @Test
    @DisplayName("a delegate without a feed: nothing to follow, memory is always fresh, no lag")
    void noFeed() {
        FeedFollowing feed = following(new ForwardingStore(new InMemoryTokenStore(clock)), true);
        assertFalse(feed.follows());
        feed.start(heard::add);
        assertFalse(feed.subscribed());
        assertEquals(Optional.empty(), feed.lag());
        assertTrue(feed.health().fresh());
        feed.stop();
    }

    @Test
    @DisplayName("following turned off: the delegate's feed is not subscribed")
    void turnedOff() {
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        FeedFollowing feed = following(store, false);
        assertFalse(feed.follows());
        feed.start(heard::add);
        assertFalse(feed.subscribed());
    }

    @Test
    @DisplayName("with a feed: subscribed only on start, hears the delegate's changes, and stop ends it")
    void follows() {
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        FeedFollowing feed = following(store, true);
        assertTrue(feed.follows());
        assertFalse(feed.subscribed(), "not before the cache is built");
        feed.start(heard::add);
        assertTrue(feed.subscribed());
        assertTrue(feed.lag().isPresent());
        store.storeSession(Sessions.session(clock, "u1"));
        assertFalse(heard.isEmpty());
        feed.stop();
        int before = heard.size();
        store.storeSession(Sessions.session(clock, "u2"));
        assertEquals(before, heard.size(), "nothing heard after stop");
    }
}

package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.testing.TestClock;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("delegate failures reach the caller and are never cached")
class FailureTest {
    private final TestClock clock = new TestClock();
    private final ForwardingStore delegate = new ForwardingStore(new InMemoryTokenStore(clock));

    @Test
    @DisplayName("the delegate's exception comes out unchanged; the next read asks the delegate again")
    void notCached() {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).build()) {
            StoredSession s = Sessions.session(clock, "u1");
            TokenStoreException down = new TokenStoreException("backend down (test)", new java.io.IOException("io"));
            delegate.failReads.set(down);
            assertSame(down, assertThrows(TokenStoreException.class, () -> cached.loadSessionByAccessToken(s.accessToken())));
            assertSame(down, assertThrows(TokenStoreException.class, () -> cached.loadClient("c1")));
            delegate.failReads.set(null);
            delegate.inner.storeSession(s);
            delegate.inner.storeClient(Sessions.client(clock, "c1", "C"));
            assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
            assertEquals("C", cached.loadClient("c1").orElseThrow().clientName());
            assertEquals(2, cached.stats().loadFailures());
        }
    }
}

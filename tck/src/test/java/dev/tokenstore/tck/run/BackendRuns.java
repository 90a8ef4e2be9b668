package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.tck.BufferedTokenStoreKit;
import dev.tokenstore.tck.CachingTokenStoreKit;
import dev.tokenstore.tck.DatabaseUnavailableKit;
import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * Every kit over one backend: the core contract raw, cached, buffered and cached + buffered, then
 * the caching and buffering suites. A backend's run is a subclass naming its storage; the
 * {@link TckSummaryListener} prints one line per backend from the class's display name.
 *
 * <p>The core contract runs the buffer in {@link AckMode#GROUP_COMMIT}: the contract promises that
 * a write is done (and a duplicate token refused) when the call returns, which only group commit
 * keeps; write-behind's own promises are the buffering suite's to check.
 */
abstract class BackendRuns {

    /** Fresh, empty storage of this backend. */
    abstract TestStorage storage();

    /**
     * Fresh storage whose database the "database unavailable" group may stop and restart; by
     * default {@link #storage()} (which then cannot stop, and that group's outage tests skip).
     */
    TestStorage stoppableStorage() {
        return storage();
    }

    static TokenStore cached(TokenStore store, Clock clock) {
        return CachingTokenStore.builder(store).clock(clock).build();
    }

    static TokenStore buffered(TokenStore store, Clock clock) {
        return BufferedTokenStore.builder(store).clock(clock).ackMode(AckMode.GROUP_COMMIT)
                .maxDelay(Duration.ofMillis(2)).build();
    }

    @Nested
    @DisplayName("raw")
    class Raw extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }
    }

    @Nested
    @DisplayName("cached")
    class Cached extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }

        @Override
        protected TokenStore decorate(TokenStore store) {
            return cached(store, clock);
        }
    }

    @Nested
    @DisplayName("buffered")
    class Buffered extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }

        @Override
        protected TokenStore decorate(TokenStore store) {
            return buffered(store, clock);
        }
    }

    @Nested
    @DisplayName("cached+buffered")
    class CachedBuffered extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }

        @Override
        protected TokenStore decorate(TokenStore store) {
            return cached(buffered(store, clock), clock);
        }
    }

    @Nested
    @DisplayName("caching suite")
    class Caching extends CachingTokenStoreKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }
    }

    @Nested
    @DisplayName("database unavailable")
    class Unavailable extends DatabaseUnavailableKit {
        @Override
        protected TestStorage newStorage() {
            return stoppableStorage();
        }
    }

    @Nested
    @DisplayName("buffering suite")
    class Buffering extends BufferedTokenStoreKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }
    }
}

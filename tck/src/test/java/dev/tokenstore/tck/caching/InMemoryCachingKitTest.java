package dev.tokenstore.tck.caching;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.tck.CachingTokenStoreKit;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** The caching suite over the in-memory reference store (each open is a new, unshared store). */
@DisplayName("caching suite over memory")
class InMemoryCachingKitTest extends CachingTokenStoreKit {
    @Override
    protected TestStorage newStorage() {
        return new TestStorage() {
            @Override
            public TokenStore open(TokenStoreOptions options) {
                return new InMemoryTokenStore(options.clock());
            }

            @Override
            public boolean sharesData() {
                return false;
            }

            @Override
            public void close() {
                // nothing persisted
            }
        };
    }
}

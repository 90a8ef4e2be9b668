package dev.tokenstore.tck.buffering;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.tck.BufferedTokenStoreKit;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/**
 * The buffering suite over the in-memory reference store. It has neither bulk writes nor
 * transactions, so the flush-path parity tests are reported as skipped here; the SQL backends run them.
 */
@DisplayName("buffering over memory")
class InMemoryBufferingKitTest extends BufferedTokenStoreKit {
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

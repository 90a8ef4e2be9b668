package dev.tokenstore.tck.run;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.tck.TestStorage;

/** The in-memory reference store: each open is a new, empty heap store, so nothing is shared or persisted. */
final class MemoryStorage implements TestStorage {
    @Override
    public TokenStore open(TokenStoreOptions options) {
        return new InMemoryTokenStore(options.clock(), options.refreshReuseGrace());
    }

    @Override
    public boolean sharesData() {
        return false;
    }

    @Override
    public void close() {
        // nothing persisted
    }
}

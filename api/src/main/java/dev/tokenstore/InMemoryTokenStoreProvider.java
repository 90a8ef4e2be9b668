package dev.tokenstore;

/**
 * Provider {@code memory} for the URL {@code memory:} (anything after the colon is ignored):
 * an {@link InMemoryTokenStore} using the options' clock. Each open returns a new, empty store.
 */
public final class InMemoryTokenStoreProvider implements TokenStoreProvider {
    /** The URL scheme this provider accepts. */
    public static final String SCHEME = "memory:";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean accepts(String url) {
        return url != null && url.startsWith(SCHEME);
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        return new InMemoryTokenStore(options.clock(), options.refreshReuseGrace());
    }
}

package dev.tokenstore.micrometer;

import dev.tokenstore.Arguments;
import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the meters of every wrapper in a stack of stores: {@link TokenStoreCacheMetrics} for a
 * {@link CachingTokenStore}, {@link TokenStoreBufferMetrics} for a {@link BufferedTokenStore},
 * found by following {@code delegate()} through caches, buffers and {@link TimedTokenStore}s.
 *
 * <pre>{@code
 * new TokenStoreMetrics(store).bindTo(registry);   // store = e.g. a cache over a buffer over SQLite
 * }</pre>
 */
public final class TokenStoreMetrics implements MeterBinder {
    private final TokenStore store;
    private final String name;
    private final Tags tags;

    /** Meters for the wrappers in {@code store}, named {@code tokenstore}. */
    public TokenStoreMetrics(TokenStore store) {
        this(store, "tokenstore", Tags.empty());
    }

    /** Meters for the wrappers in {@code store}, tagged {@code cache=name} / {@code buffer=name} and {@code tags}. */
    public TokenStoreMetrics(TokenStore store, String name, Iterable<Tag> tags) {
        Arguments.requireNonNull(store, "store");
        Arguments.requireText(name, "name");
        this.store = store;
        this.name = name;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TokenStore layer : store.layers()) {
            if (layer instanceof CachingTokenStore cache) {
                new TokenStoreCacheMetrics(cache, name, tags).bindTo(registry);
            } else if (layer instanceof BufferedTokenStore buffer) {
                new TokenStoreBufferMetrics(buffer, name, tags).bindTo(registry);
            }
        }
    }
}

package dev.tokenstore.micrometer;

import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;

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
        if (store == null) {
            throw new IllegalArgumentException("store is required (was null)");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.store = store;
        this.name = name;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TokenStore layer : layers(store)) {
            if (layer instanceof CachingTokenStore cache) {
                new TokenStoreCacheMetrics(cache, name, tags).bindTo(registry);
            } else if (layer instanceof BufferedTokenStore buffer) {
                new TokenStoreBufferMetrics(buffer, name, tags).bindTo(registry);
            }
        }
    }

    /**
     * The stores in a stack, outermost first: {@code store}, then the delegate of each cache,
     * buffer or timing decorator, down to the first store that is none of these (the backend,
     * or a decorator this module does not know).
     */
    public static List<TokenStore> layers(TokenStore store) {
        List<TokenStore> layers = new ArrayList<>();
        TokenStore current = store;
        while (current != null && layers.size() < 32) {
            layers.add(current);
            if (current instanceof CachingTokenStore cache) {
                current = cache.delegate();
            } else if (current instanceof BufferedTokenStore buffer) {
                current = buffer.delegate();
            } else if (current instanceof TimedTokenStore timed) {
                current = timed.delegate();
            } else {
                current = null;
            }
        }
        return layers;
    }
}

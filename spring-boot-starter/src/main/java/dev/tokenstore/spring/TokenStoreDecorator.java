package dev.tokenstore.spring;

import dev.tokenstore.TokenStore;

/**
 * Wraps the {@link TokenStore} the starter builds, after its cache and buffer. Every bean of this
 * type is applied, in {@link org.springframework.core.annotation.Order} order (the last one
 * applied is the outermost); the starter contributes one that times operations when
 * {@code tokenstore.metrics.time-operations=true}. Not applied to a {@code TokenStore} bean of the
 * application's own.
 */
@FunctionalInterface
public interface TokenStoreDecorator {

    /** Returns the store to use in place of {@code store}; closing it must close {@code store}. */
    TokenStore decorate(TokenStore store);
}

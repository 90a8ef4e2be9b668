package dev.tokenstore.cache;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.function.Function;

/** A {@link CachingTokenStore} over a delegate that is a {@link TransactionalTokenStore}. */
final class TransactionalCachingTokenStore extends CachingTokenStore implements TransactionalTokenStore {
    TransactionalCachingTokenStore(Builder builder) {
        super(builder);
    }

    @Override
    public <T> T inTransaction(Function<TokenStore, T> work) {
        return transact(work);
    }
}

package dev.tokenstore.cache;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The feature view of a {@link CachingTokenStore}: its delegate's, with bulk writes and
 * transactions replaced by calls that keep the cache coherent (everything they touch is
 * invalidated, also when they fail). The change feed, key rotation (re-encryption changes no
 * plaintext), database health and cleanup coordination pass through.
 */
final class CacheFeatures {
    private CacheFeatures() {
    }

    static TokenStoreFeatures of(CachingTokenStore cache, TokenStore delegate) {
        TokenStoreFeatures inner = delegate.features();
        return TokenStoreFeatures.with(inner)
                .bulk(inner.bulk().isPresent() ? new Bulk(cache) : null)
                .transactions(inner.transactions().isPresent() ? new Transactions(cache) : null)
                .build();
    }

    private record Bulk(CachingTokenStore cache) implements BulkSessionStore {
        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            cache.bulkStore(sessions);
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return cache.bulkDelete(accessTokenHashes);
        }
    }

    private record Transactions(CachingTokenStore cache) implements TransactionalTokenStore {
        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            return cache.transact(work);
        }
    }
}

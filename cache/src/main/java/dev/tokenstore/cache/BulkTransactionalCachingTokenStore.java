package dev.tokenstore.cache;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** A {@link CachingTokenStore} over a delegate that has both capabilities. */
final class BulkTransactionalCachingTokenStore extends CachingTokenStore
        implements BulkSessionStore, TransactionalTokenStore {
    BulkTransactionalCachingTokenStore(Builder builder) {
        super(builder);
    }

    @Override
    public void bulkStoreSessions(List<StoredSession> sessions) {
        bulkStore(sessions);
    }

    @Override
    public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
        return bulkDelete(accessTokenHashes);
    }

    @Override
    public <T> T inTransaction(Function<TokenStore, T> work) {
        return transact(work);
    }
}

package dev.tokenstore.cache;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import java.util.Collection;
import java.util.List;

/** A {@link CachingTokenStore} over a delegate that is a {@link BulkSessionStore}. */
final class BulkCachingTokenStore extends CachingTokenStore implements BulkSessionStore {
    BulkCachingTokenStore(Builder builder) {
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
}

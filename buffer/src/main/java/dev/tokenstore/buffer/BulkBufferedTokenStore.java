package dev.tokenstore.buffer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.util.Collection;
import java.util.List;

/** A {@link BufferedTokenStore} over a {@link BulkSessionStore}, passing the capability through. */
final class BulkBufferedTokenStore extends BufferedTokenStore implements BulkSessionStore {
    BulkBufferedTokenStore(TokenStore delegate, BufferSettings settings) {
        super(delegate, settings);
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

package dev.tokenstore.buffer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** A {@link BufferedTokenStore} over a store with both capabilities, passing both through. */
final class BulkTransactionalBufferedTokenStore extends BufferedTokenStore
        implements BulkSessionStore, TransactionalTokenStore {
    BulkTransactionalBufferedTokenStore(TokenStore delegate, BufferSettings settings) {
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

    @Override
    public <T> T inTransaction(Function<TokenStore, T> work) {
        return transaction(work);
    }
}

package dev.tokenstore.cache;

import dev.tokenstore.Arguments;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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

    static TokenStoreFeatures of(CachingTokenStore cache, CoherentWrites writes, TokenStore delegate) {
        TokenStoreFeatures inner = delegate.features();
        return TokenStoreFeatures.with(inner)
                .bulk(inner.bulk().isPresent() ? new Bulk(cache, writes, delegate) : null)
                .transactions(inner.transactions().isPresent() ? new Transactions(cache, writes, delegate) : null)
                .build();
    }

    private record Bulk(CachingTokenStore cache, CoherentWrites writes, TokenStore delegate) implements BulkSessionStore {
        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            cache.ensureOpen();
            Arguments.requireNonNull(sessions, "sessions");
            Changes changes = new Changes();
            sessions.forEach(changes::sessionStored);
            writes.write(changes, () -> delegate.features().bulk().orElseThrow().bulkStoreSessions(sessions));
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            cache.ensureOpen();
            Set<String> hashes = TokenHash.requireSha256Hexes(accessTokenHashes, "accessTokenHashes");
            Changes changes = new Changes();
            hashes.forEach(changes::accessHashDeleted);
            return writes.write(changes, () -> delegate.features().bulk().orElseThrow().bulkDeleteSessionsByHash(hashes));
        }
    }

    private record Transactions(CachingTokenStore cache, CoherentWrites writes, TokenStore delegate)
            implements TransactionalTokenStore {
        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            cache.ensureOpen();
            Arguments.requireNonNull(work, "work");
            Changes changes = new Changes();
            // Reads inside go straight to the transaction (they may see its uncommitted writes);
            // everything it wrote is invalidated once it has committed or rolled back.
            return writes.write(changes, () -> delegate.features().transactions().orElseThrow()
                    .inTransaction(tx -> work.apply(new TransactionView(tx, changes))));
        }
    }
}

package dev.tokenstore.buffer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The feature view of a {@link BufferedTokenStore}: its delegate's, with the three capabilities
 * the buffer must see replaced: bulk writes and transactions flush what is queued first (bulk
 * deletes are revocations, written through at once), key rotation flushes first so its counts
 * include every acknowledged write. The change feed, database health and cleanup coordination
 * pass through: the delegate's feed already carries what the buffer's flushes commit.
 */
final class BufferFeatures {
    private BufferFeatures() {
    }

    static TokenStoreFeatures of(BufferedTokenStore buffer, TokenStore delegate) {
        TokenStoreFeatures inner = delegate.features();
        return TokenStoreFeatures.with(inner)
                .bulk(inner.bulk().isPresent() ? new Bulk(buffer) : null)
                .transactions(inner.transactions().isPresent() ? new Transactions(buffer) : null)
                .keyRotation(inner.keyRotation().map(rotation -> new FlushingKeyRotation(buffer, rotation)).orElse(null))
                .build();
    }

    private record Bulk(BufferedTokenStore buffer) implements BulkSessionStore {
        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            buffer.bulkStore(sessions);
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return buffer.bulkDelete(accessTokenHashes);
        }
    }

    private record Transactions(BufferedTokenStore buffer) implements TransactionalTokenStore {
        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            return buffer.transaction(work);
        }
    }

    private record FlushingKeyRotation(BufferedTokenStore buffer, KeyRotation rotation) implements KeyRotation {
        @Override
        public ReencryptionReport reencrypt(int chunkSize) {
            buffer.flush();
            return rotation.reencrypt(chunkSize);
        }

        @Override
        public Map<String, Long> valuesByKeyId() {
            buffer.flush();
            return rotation.valuesByKeyId();
        }
    }
}

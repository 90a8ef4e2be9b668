package dev.tokenstore.buffer;

import dev.tokenstore.Arguments;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
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

    static TokenStoreFeatures of(WriteBuffer buffer, Revocations revocations, TokenStore delegate) {
        TokenStoreFeatures inner = delegate.features();
        return TokenStoreFeatures.with(inner)
                .bulk(inner.bulk().isPresent() ? new Bulk(buffer, revocations, delegate) : null)
                .transactions(inner.transactions().isPresent() ? new Transactions(buffer, delegate) : null)
                .keyRotation(inner.keyRotation().map(rotation -> new FlushingKeyRotation(buffer, rotation)).orElse(null))
                .build();
    }

    private record Bulk(WriteBuffer buffer, Revocations revocations, TokenStore delegate) implements BulkSessionStore {
        /** Flushes what is queued, then writes the list with the delegate's bulk call (all-or-nothing). */
        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            Arguments.requireNonNull(sessions, "sessions");
            buffer.requireOpen();
            buffer.flush(false);
            buffer.gate().writeThrough(held -> {
                delegate.features().bulk().orElseThrow().bulkStoreSessions(sessions);
                return null;
            });
        }

        /** Revokes at once: queued writes holding these hashes are dropped, the rest go to the delegate's bulk delete. */
        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return revocations.revokeByAccessHashes(TokenHash.requireSha256Hexes(accessTokenHashes, "accessTokenHashes"),
                    delegate.features().bulk().orElseThrow());
        }
    }

    /** Flushes what is queued, then runs {@code work} in one delegate transaction (it writes to the delegate directly). */
    private record Transactions(WriteBuffer buffer, TokenStore delegate) implements TransactionalTokenStore {
        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            Arguments.requireNonNull(work, "work");
            buffer.requireOpen();
            buffer.flush(false);
            return delegate.features().transactions().orElseThrow().inTransaction(work);
        }
    }

    private record FlushingKeyRotation(WriteBuffer buffer, KeyRotation rotation) implements KeyRotation {
        @Override
        public ReencryptionReport reencrypt(int chunkSize) {
            buffer.flush(true);
            return rotation.reencrypt(chunkSize);
        }

        @Override
        public Map<String, Long> valuesByKeyId() {
            buffer.flush(true);
            return rotation.valuesByKeyId();
        }
    }
}

package dev.tokenstore.micrometer;

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
 * The feature view of a {@link TimedTokenStore}: its delegate's, with bulk calls, transactions
 * and key rotation timed as operations of their own. The change feed ({@code subscribe} is no store
 * operation), database health and cleanup coordination pass through untimed.
 */
final class TimedFeatures {
    private TimedFeatures() {
    }

    static TokenStoreFeatures of(TimedTokenStore timed, TokenStore delegate) {
        TokenStoreFeatures inner = delegate.features();
        return TokenStoreFeatures.with(inner)
                .bulk(inner.bulk().map(bulk -> new Bulk(timed, bulk)).orElse(null))
                .transactions(inner.transactions().map(tx -> new Transactions(timed, tx)).orElse(null))
                .keyRotation(inner.keyRotation().map(rotation -> new TimedKeyRotation(timed, rotation)).orElse(null))
                .build();
    }

    private record Bulk(TimedTokenStore timed, BulkSessionStore bulk) implements BulkSessionStore {
        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            timed.timed(Operation.BULK_STORE_SESSIONS, () -> {
                bulk.bulkStoreSessions(sessions);
                return null;
            });
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return timed.timed(Operation.BULK_DELETE_SESSIONS_BY_HASH, () -> bulk.bulkDeleteSessionsByHash(accessTokenHashes));
        }
    }

    private record Transactions(TimedTokenStore timed, TransactionalTokenStore tx) implements TransactionalTokenStore {
        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            return timed.timed(Operation.IN_TRANSACTION, () -> tx.inTransaction(work));
        }
    }

    private record TimedKeyRotation(TimedTokenStore timed, KeyRotation rotation) implements KeyRotation {
        @Override
        public ReencryptionReport reencrypt(int chunkSize) {
            return timed.timed(Operation.REENCRYPT, () -> rotation.reencrypt(chunkSize));
        }

        @Override
        public Map<String, Long> valuesByKeyId() {
            return timed.timed(Operation.VALUES_BY_KEY_ID, rotation::valuesByKeyId);
        }
    }
}

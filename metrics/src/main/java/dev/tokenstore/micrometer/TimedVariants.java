package dev.tokenstore.micrometer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The runtime types of {@link TimedTokenStore}: one per combination of the optional capabilities
 * its delegate has, so the timed store has exactly those. Each capability is a mixin whose default
 * methods call the timed store's own implementation.
 */
final class TimedVariants {
    private TimedVariants() {
    }

    /**
     * The timed type for {@code delegate}'s capabilities; {@link KeyRotation} only alongside bulk
     * writes and transactions (every {@code tokenstore-jdbc} store has all three).
     */
    static TimedTokenStore of(TokenStore delegate, OperationTimers timers) {
        int capabilities = (delegate instanceof BulkSessionStore ? 1 : 0)
                | (delegate instanceof TransactionalTokenStore ? 2 : 0)
                | (delegate instanceof ChangeFeed ? 4 : 0);
        if (delegate instanceof KeyRotation && (capabilities & 3) == 3) {
            return capabilities == 7 ? new BulkTransactionalFeedRotating(delegate, timers)
                    : new BulkTransactionalRotating(delegate, timers);
        }
        return switch (capabilities) {
            case 1 -> new Bulk(delegate, timers);
            case 2 -> new Transactional(delegate, timers);
            case 3 -> new BulkTransactional(delegate, timers);
            case 4 -> new Feed(delegate, timers);
            case 5 -> new BulkFeed(delegate, timers);
            case 6 -> new TransactionalFeed(delegate, timers);
            case 7 -> new BulkTransactionalFeed(delegate, timers);
            default -> new TimedTokenStore(delegate, timers);
        };
    }

    interface BulkMixin extends BulkSessionStore {
        @Override
        default void bulkStoreSessions(List<StoredSession> sessions) {
            ((TimedTokenStore) this).bulkStore(sessions);
        }

        @Override
        default int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return ((TimedTokenStore) this).bulkDelete(accessTokenHashes);
        }
    }

    interface TransactionalMixin extends TransactionalTokenStore {
        @Override
        default <T> T inTransaction(Function<TokenStore, T> work) {
            return ((TimedTokenStore) this).transaction(work);
        }
    }

    interface FeedMixin extends ChangeFeed {
        @Override
        default ChangeSubscription subscribe(ChangeListener listener) {
            return ((TimedTokenStore) this).subscribeToDelegate(listener);
        }
    }

    interface KeyRotationMixin extends KeyRotation {
        @Override
        default ReencryptionReport reencrypt(int chunkSize) {
            TimedTokenStore timed = (TimedTokenStore) this;
            return timed.timed(Operation.REENCRYPT, () -> ((KeyRotation) timed.delegate()).reencrypt(chunkSize));
        }

        @Override
        default Map<String, Long> valuesByKeyId() {
            TimedTokenStore timed = (TimedTokenStore) this;
            return timed.timed(Operation.VALUES_BY_KEY_ID, () -> ((KeyRotation) timed.delegate()).valuesByKeyId());
        }
    }

    static final class Bulk extends TimedTokenStore implements BulkMixin {
        Bulk(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class Transactional extends TimedTokenStore implements TransactionalMixin {
        Transactional(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class BulkTransactional extends TimedTokenStore implements BulkMixin, TransactionalMixin {
        BulkTransactional(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class Feed extends TimedTokenStore implements FeedMixin {
        Feed(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class BulkFeed extends TimedTokenStore implements BulkMixin, FeedMixin {
        BulkFeed(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class TransactionalFeed extends TimedTokenStore implements TransactionalMixin, FeedMixin {
        TransactionalFeed(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class BulkTransactionalFeed extends TimedTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin {
        BulkTransactionalFeed(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class BulkTransactionalRotating extends TimedTokenStore
            implements BulkMixin, TransactionalMixin, KeyRotationMixin {
        BulkTransactionalRotating(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }

    static final class BulkTransactionalFeedRotating extends TimedTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin, KeyRotationMixin {
        BulkTransactionalFeedRotating(TokenStore delegate, OperationTimers timers) {
            super(delegate, timers);
        }
    }
}

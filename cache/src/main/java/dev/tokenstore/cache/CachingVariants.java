package dev.tokenstore.cache;

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
 * The runtime types of {@link CachingTokenStore}: one per combination of the optional
 * capabilities its delegate has, so the cache has exactly those. Each capability is a mixin
 * whose default methods call the cache's own (coherent) implementation.
 */
final class CachingVariants {
    private CachingVariants() {
    }

    /** The cache type for {@code delegate}'s capabilities. */
    static CachingTokenStore of(CachingTokenStore.Builder builder, TokenStore delegate) {
        int capabilities = (delegate instanceof BulkSessionStore ? 1 : 0)
                | (delegate instanceof TransactionalTokenStore ? 2 : 0)
                | (delegate instanceof ChangeFeed ? 4 : 0);
        if (delegate instanceof KeyRotation && (capabilities & 3) == 3) {
            return capabilities == 7 ? new BulkTransactionalFeedRotating(builder)
                    : new BulkTransactionalRotating(builder);
        }
        return switch (capabilities) {
            case 1 -> new Bulk(builder);
            case 2 -> new Transactional(builder);
            case 3 -> new BulkTransactional(builder);
            case 4 -> new Feed(builder);
            case 5 -> new BulkFeed(builder);
            case 6 -> new TransactionalFeed(builder);
            case 7 -> new BulkTransactionalFeed(builder);
            default -> new CachingTokenStore(builder);
        };
    }

    interface BulkMixin extends BulkSessionStore {
        @Override
        default void bulkStoreSessions(List<StoredSession> sessions) {
            ((CachingTokenStore) this).bulkStore(sessions);
        }

        @Override
        default int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return ((CachingTokenStore) this).bulkDelete(accessTokenHashes);
        }
    }

    interface TransactionalMixin extends TransactionalTokenStore {
        @Override
        default <T> T inTransaction(Function<TokenStore, T> work) {
            return ((CachingTokenStore) this).transact(work);
        }
    }

    interface FeedMixin extends ChangeFeed {
        @Override
        default ChangeSubscription subscribe(ChangeListener listener) {
            return ((CachingTokenStore) this).subscribeThrough(listener);
        }
    }

    /**
     * The delegate's key rotation, passed through: re-encryption changes no plaintext, so cached
     * entries stay valid and nothing is invalidated.
     */
    interface KeyRotationMixin extends KeyRotation {
        @Override
        default ReencryptionReport reencrypt(int chunkSize) {
            return ((KeyRotation) ((CachingTokenStore) this).delegate()).reencrypt(chunkSize);
        }

        @Override
        default Map<String, Long> valuesByKeyId() {
            return ((KeyRotation) ((CachingTokenStore) this).delegate()).valuesByKeyId();
        }
    }

    static final class Bulk extends CachingTokenStore implements BulkMixin {
        Bulk(Builder b) {
            super(b);
        }
    }

    static final class Transactional extends CachingTokenStore implements TransactionalMixin {
        Transactional(Builder b) {
            super(b);
        }
    }

    static final class BulkTransactional extends CachingTokenStore implements BulkMixin, TransactionalMixin {
        BulkTransactional(Builder b) {
            super(b);
        }
    }

    static final class Feed extends CachingTokenStore implements FeedMixin {
        Feed(Builder b) {
            super(b);
        }
    }

    static final class BulkFeed extends CachingTokenStore implements BulkMixin, FeedMixin {
        BulkFeed(Builder b) {
            super(b);
        }
    }

    static final class TransactionalFeed extends CachingTokenStore implements TransactionalMixin, FeedMixin {
        TransactionalFeed(Builder b) {
            super(b);
        }
    }

    static final class BulkTransactionalFeed extends CachingTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin {
        BulkTransactionalFeed(Builder b) {
            super(b);
        }
    }

    static final class BulkTransactionalRotating extends CachingTokenStore
            implements BulkMixin, TransactionalMixin, KeyRotationMixin {
        BulkTransactionalRotating(Builder b) {
            super(b);
        }
    }

    static final class BulkTransactionalFeedRotating extends CachingTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin, KeyRotationMixin {
        BulkTransactionalFeedRotating(Builder b) {
            super(b);
        }
    }
}

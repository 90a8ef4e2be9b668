package dev.tokenstore.buffer;

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
 * The runtime types of {@link BufferedTokenStore}: one per combination of the optional
 * capabilities its delegate has, so the buffer has exactly those. Each capability is a mixin whose
 * default methods call the buffer's own implementation.
 */
final class BufferedVariants {
    private BufferedVariants() {
    }

    /** The buffer type for {@code delegate}'s capabilities. */
    static BufferedTokenStore of(TokenStore delegate, BufferSettings settings) {
        int capabilities = (delegate instanceof BulkSessionStore ? 1 : 0)
                | (delegate instanceof TransactionalTokenStore ? 2 : 0)
                | (delegate instanceof ChangeFeed ? 4 : 0);
        if (delegate instanceof KeyRotation && (capabilities & 3) == 3) {
            return capabilities == 7 ? new BulkTransactionalFeedRotating(delegate, settings)
                    : new BulkTransactionalRotating(delegate, settings);
        }
        return switch (capabilities) {
            case 1 -> new Bulk(delegate, settings);
            case 2 -> new Transactional(delegate, settings);
            case 3 -> new BulkTransactional(delegate, settings);
            case 4 -> new Feed(delegate, settings);
            case 5 -> new BulkFeed(delegate, settings);
            case 6 -> new TransactionalFeed(delegate, settings);
            case 7 -> new BulkTransactionalFeed(delegate, settings);
            default -> new BufferedTokenStore(delegate, settings);
        };
    }

    interface BulkMixin extends BulkSessionStore {
        @Override
        default void bulkStoreSessions(List<StoredSession> sessions) {
            ((BufferedTokenStore) this).bulkStore(sessions);
        }

        @Override
        default int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return ((BufferedTokenStore) this).bulkDelete(accessTokenHashes);
        }
    }

    interface TransactionalMixin extends TransactionalTokenStore {
        @Override
        default <T> T inTransaction(Function<TokenStore, T> work) {
            return ((BufferedTokenStore) this).transaction(work);
        }
    }

    /** The delegate's feed: it carries what the buffer's flushes commit, one event per flushed batch. */
    interface FeedMixin extends ChangeFeed {
        @Override
        default ChangeSubscription subscribe(ChangeListener listener) {
            return ((BufferedTokenStore) this).subscribeThrough(listener);
        }
    }

    /**
     * The delegate's key rotation, after a {@link BufferedTokenStore#flush() flush}, so the counts
     * include every write acknowledged before the call (queued writes are encrypted under the
     * primary key when flushed anyway).
     */
    interface KeyRotationMixin extends KeyRotation {
        @Override
        default ReencryptionReport reencrypt(int chunkSize) {
            BufferedTokenStore buffer = (BufferedTokenStore) this;
            buffer.flush();
            return ((KeyRotation) buffer.delegate()).reencrypt(chunkSize);
        }

        @Override
        default Map<String, Long> valuesByKeyId() {
            BufferedTokenStore buffer = (BufferedTokenStore) this;
            buffer.flush();
            return ((KeyRotation) buffer.delegate()).valuesByKeyId();
        }
    }

    static final class Bulk extends BufferedTokenStore implements BulkMixin {
        Bulk(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class Transactional extends BufferedTokenStore implements TransactionalMixin {
        Transactional(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class BulkTransactional extends BufferedTokenStore implements BulkMixin, TransactionalMixin {
        BulkTransactional(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class Feed extends BufferedTokenStore implements FeedMixin {
        Feed(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class BulkFeed extends BufferedTokenStore implements BulkMixin, FeedMixin {
        BulkFeed(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class TransactionalFeed extends BufferedTokenStore implements TransactionalMixin, FeedMixin {
        TransactionalFeed(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class BulkTransactionalFeed extends BufferedTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin {
        BulkTransactionalFeed(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class BulkTransactionalRotating extends BufferedTokenStore
            implements BulkMixin, TransactionalMixin, KeyRotationMixin {
        BulkTransactionalRotating(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }

    static final class BulkTransactionalFeedRotating extends BufferedTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin, KeyRotationMixin {
        BulkTransactionalFeedRotating(TokenStore delegate, BufferSettings settings) {
            super(delegate, settings);
        }
    }
}

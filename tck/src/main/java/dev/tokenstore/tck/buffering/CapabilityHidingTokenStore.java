package dev.tokenstore.tck.buffering;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * A backend's store seen with only some of its capabilities, so the buffering suite can make the
 * buffer take each of its flush paths on a real backend. Forwards every call to the backend store;
 * session writes first pass {@link WriteFaults}. {@link #close()} is recorded, not forwarded: the kit
 * closes the backend store itself and can inspect it after the buffer is closed.
 */
public class CapabilityHidingTokenStore extends ForwardingTokenStore {

    /** Which capabilities the wrapped store shows. */
    public enum Flavor {
        /** No optional capability: the buffer calls {@code storeSession} one by one. */
        SINGLE_OP,
        /** {@link TransactionalTokenStore} only: the buffer writes inside {@code inTransaction}. */
        TRANSACTIONAL,
        /** {@link BulkSessionStore} only: the buffer uses {@code bulkStoreSessions}. */
        BULK,
        /** Everything the backend has, the change feed included. */
        NATIVE;

        /** True if the backend store has what this flavour shows. */
        public boolean availableOn(TokenStore backend) {
            return switch (this) {
                case SINGLE_OP, NATIVE -> true;
                case TRANSACTIONAL -> backend instanceof TransactionalTokenStore;
                case BULK -> backend instanceof BulkSessionStore;
            };
        }
    }

    final TokenStore backend;
    final WriteFaults faults;
    private volatile boolean closed;

    CapabilityHidingTokenStore(TokenStore backend, WriteFaults faults) {
        this.backend = backend;
        this.faults = faults;
    }

    /**
     * The backend store showing {@code flavor}'s capabilities.
     *
     * @throws IllegalArgumentException if the backend lacks them (check {@link Flavor#availableOn} first)
     */
    public static CapabilityHidingTokenStore over(TokenStore backend, Flavor flavor, WriteFaults faults) {
        if (!flavor.availableOn(backend)) {
            throw new IllegalArgumentException("flavor " + flavor + " is not available on " + backend);
        }
        return switch (flavor) {
            case SINGLE_OP -> new CapabilityHidingTokenStore(backend, faults);
            case TRANSACTIONAL -> new Transactional(backend, faults);
            case BULK -> new Bulk(backend, faults);
            case NATIVE -> switch ((backend instanceof BulkSessionStore ? 1 : 0)
                    | (backend instanceof TransactionalTokenStore ? 2 : 0) | (backend instanceof ChangeFeed ? 4 : 0)) {
                case 1 -> new Bulk(backend, faults);
                case 2 -> new Transactional(backend, faults);
                case 3 -> new BulkTransactional(backend, faults);
                case 4 -> new Feed(backend, faults);
                case 5 -> new BulkFeed(backend, faults);
                case 6 -> new TransactionalFeed(backend, faults);
                case 7 -> new BulkTransactionalFeed(backend, faults);
                default -> new CapabilityHidingTokenStore(backend, faults);
            };
        };
    }

    @Override
    protected TokenStore delegate() {
        return backend;
    }

    /** True once {@link #close()} was called (by the buffer). */
    public boolean closed() {
        return closed;
    }

    @Override
    public void storeSession(StoredSession session) {
        faults.beforeWrite(List.of(session));
        backend.storeSession(session);
    }

    @Override
    public dev.tokenstore.Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        faults.beforeRotation();
        return backend.rotateSession(presentedRefreshToken, next);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + backend + "]";
    }

    void bulkStore(List<StoredSession> sessions) {
        faults.beforeWrite(sessions);
        ((BulkSessionStore) backend).bulkStoreSessions(sessions);
    }

    int bulkDelete(Collection<String> accessTokenHashes) {
        return ((BulkSessionStore) backend).bulkDeleteSessionsByHash(accessTokenHashes);
    }

    <T> T transaction(Function<TokenStore, T> work) {
        faults.beforeWrite(List.of());
        return ((TransactionalTokenStore) backend).inTransaction(tx -> work.apply(new ForwardingTokenStore() {
            @Override
            protected TokenStore delegate() {
                return tx;
            }

            @Override
            public void storeSession(StoredSession session) {
                faults.beforeEach(List.of(session));
                tx.storeSession(session);
            }
        }));
    }

    ChangeSubscription subscribeToBackend(ChangeListener listener) {
        return ((ChangeFeed) backend).subscribe(listener);
    }

    private interface BulkMixin extends BulkSessionStore {
        @Override
        default void bulkStoreSessions(List<StoredSession> sessions) {
            ((CapabilityHidingTokenStore) this).bulkStore(sessions);
        }

        @Override
        default int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return ((CapabilityHidingTokenStore) this).bulkDelete(accessTokenHashes);
        }
    }

    private interface TransactionalMixin extends TransactionalTokenStore {
        @Override
        default <T> T inTransaction(Function<TokenStore, T> work) {
            return ((CapabilityHidingTokenStore) this).transaction(work);
        }
    }

    private interface FeedMixin extends ChangeFeed {
        @Override
        default ChangeSubscription subscribe(ChangeListener listener) {
            return ((CapabilityHidingTokenStore) this).subscribeToBackend(listener);
        }
    }

    private static final class Bulk extends CapabilityHidingTokenStore implements BulkMixin {
        Bulk(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }

    private static final class Transactional extends CapabilityHidingTokenStore implements TransactionalMixin {
        Transactional(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }

    private static final class BulkTransactional extends CapabilityHidingTokenStore
            implements BulkMixin, TransactionalMixin {
        BulkTransactional(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }

    private static final class Feed extends CapabilityHidingTokenStore implements FeedMixin {
        Feed(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }

    private static final class BulkFeed extends CapabilityHidingTokenStore implements BulkMixin, FeedMixin {
        BulkFeed(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }

    private static final class TransactionalFeed extends CapabilityHidingTokenStore
            implements TransactionalMixin, FeedMixin {
        TransactionalFeed(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }

    private static final class BulkTransactionalFeed extends CapabilityHidingTokenStore
            implements BulkMixin, TransactionalMixin, FeedMixin {
        BulkTransactionalFeed(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }
    }
}

package dev.tokenstore.tck.buffering;

import dev.tokenstore.BulkSessionStore;
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
        /** Everything the backend has. */
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
        boolean bulk = backend instanceof BulkSessionStore;
        boolean tx = backend instanceof TransactionalTokenStore;
        return switch (flavor) {
            case SINGLE_OP -> new CapabilityHidingTokenStore(backend, faults);
            case TRANSACTIONAL -> new Transactional(backend, faults);
            case BULK -> new Bulk(backend, faults);
            case NATIVE -> bulk && tx ? new BulkTransactional(backend, faults)
                    : bulk ? new Bulk(backend, faults)
                    : tx ? new Transactional(backend, faults)
                    : new CapabilityHidingTokenStore(backend, faults);
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

    private static final class Bulk extends CapabilityHidingTokenStore implements BulkSessionStore {
        Bulk(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
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

    private static final class Transactional extends CapabilityHidingTokenStore implements TransactionalTokenStore {
        Transactional(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
        }

        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            return transaction(work);
        }
    }

    private static final class BulkTransactional extends CapabilityHidingTokenStore
            implements BulkSessionStore, TransactionalTokenStore {
        BulkTransactional(TokenStore backend, WriteFaults faults) {
            super(backend, faults);
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
}

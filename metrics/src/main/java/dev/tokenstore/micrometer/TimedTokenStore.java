package dev.tokenstore.micrometer;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An opt-in decorator that times every store operation with the Micrometer timer
 * {@code tokenstore.operations}, tagged {@code operation} (the method name, e.g.
 * {@code loadSessionByAccessToken}), {@code outcome} ({@code success}, {@code not_found} for an
 * empty result or {@code false}, {@code invalid} for an {@link IllegalArgumentException},
 * {@code error} for any other exception) and {@code store=<name>}. No tag carries an argument or a
 * result. It changes nothing else: calls, results and exceptions pass through unchanged.
 *
 * <p>{@link #wrap} returns a store that implements {@link BulkSessionStore},
 * {@link TransactionalTokenStore} and {@link dev.tokenstore.ChangeFeed} when the delegate does
 * (bulk and transaction calls are timed as operations of their own; {@code subscribe} passes
 * through untimed), and {@link KeyRotation} when the delegate has it along with bulk writes and
 * transactions (as every {@code tokenstore-jdbc} store does); so wrapping keeps what a buffer or
 * a cache above it can use. Wrap the outermost store to time what the app sees, or the backend to
 * time the database.
 */
public sealed class TimedTokenStore extends ForwardingTokenStore permits TimedVariants.Bulk,
        TimedVariants.Transactional, TimedVariants.BulkTransactional, TimedVariants.Feed, TimedVariants.BulkFeed,
        TimedVariants.TransactionalFeed, TimedVariants.BulkTransactionalFeed, TimedVariants.BulkTransactionalRotating,
        TimedVariants.BulkTransactionalFeedRotating {

    private final TokenStore delegate;
    private final OperationTimers timers;

    TimedTokenStore(TokenStore delegate, OperationTimers timers) {
        this.delegate = delegate;
        this.timers = timers;
    }

    /** Times {@code delegate}'s operations in {@code registry}, tagged {@code store=tokenstore}. */
    public static TimedTokenStore wrap(TokenStore delegate, MeterRegistry registry) {
        return wrap(delegate, registry, "tokenstore", Tags.empty());
    }

    /** Times {@code delegate}'s operations in {@code registry}, tagged {@code store=name} and {@code tags}. */
    public static TimedTokenStore wrap(TokenStore delegate, MeterRegistry registry, String name, Iterable<Tag> tags) {
        if (delegate == null) {
            throw new IllegalArgumentException("delegate is required (was null)");
        }
        if (registry == null) {
            throw new IllegalArgumentException("registry is required (was null)");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        OperationTimers timers = new OperationTimers(registry, Tags.of(tags).and("store", name));
        return TimedVariants.of(delegate, timers);
    }

    /** Passes {@code subscribe} through to a delegate with a change feed (untimed: it is not a store operation). */
    final ChangeSubscription subscribeToDelegate(ChangeListener listener) {
        return subscribeThrough(listener);
    }

    /** The store every call goes to. */
    @Override
    public TokenStore delegate() {
        return delegate;
    }

    @Override
    public void storeState(StateRecord state) {
        run(Operation.STORE_STATE, () -> super.storeState(state));
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        return call(Operation.CONSUME_STATE, () -> super.consumeState(state));
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        run(Operation.STORE_AUTH_CODE, () -> super.storeAuthCode(code));
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        return call(Operation.CONSUME_AUTH_CODE, () -> super.consumeAuthCode(code));
    }

    @Override
    public void storeSession(StoredSession session) {
        run(Operation.STORE_SESSION, () -> super.storeSession(session));
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        return call(Operation.LOAD_SESSION_BY_ACCESS_TOKEN, () -> super.loadSessionByAccessToken(accessToken));
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        return call(Operation.LOAD_SESSION_BY_ID, () -> super.loadSessionById(sessionId));
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        return call(Operation.LOAD_SESSION_BY_REFRESH_TOKEN, () -> super.loadSessionByRefreshToken(refreshToken));
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        return call(Operation.DELETE_SESSION_BY_ACCESS_TOKEN, () -> super.deleteSessionByAccessToken(accessToken));
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        return call(Operation.DELETE_SESSION_BY_ID, () -> super.deleteSessionById(sessionId));
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        return call(Operation.DELETE_SESSIONS_BY_USER, () -> super.deleteSessionsByUser(userId));
    }

    @Override
    public void storeClient(ClientRecord client) {
        run(Operation.STORE_CLIENT, () -> super.storeClient(client));
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        return call(Operation.LOAD_CLIENT, () -> super.loadClient(clientId));
    }

    @Override
    public List<ClientRecord> listClients() {
        return call(Operation.LIST_CLIENTS, super::listClients);
    }

    @Override
    public boolean deleteClient(String clientId) {
        return call(Operation.DELETE_CLIENT, () -> super.deleteClient(clientId));
    }

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        return call(Operation.ROTATE_SESSION, () -> super.rotateSession(presentedRefreshToken, next));
    }

    @Override
    public CleanupResult cleanupExpired() {
        return call(Operation.CLEANUP_EXPIRED, super::cleanupExpired);
    }

    @Override
    public String toString() {
        return "TimedTokenStore[" + delegate + "]";
    }

    // ---------------------------------------------------------------- capabilities (used by the subclasses)

    final void bulkStore(List<StoredSession> sessions) {
        run(Operation.BULK_STORE_SESSIONS, () -> ((BulkSessionStore) delegate).bulkStoreSessions(sessions));
    }

    final int bulkDelete(Collection<String> accessTokenHashes) {
        return call(Operation.BULK_DELETE_SESSIONS_BY_HASH,
                () -> ((BulkSessionStore) delegate).bulkDeleteSessionsByHash(accessTokenHashes));
    }

    final <T> T transaction(Function<TokenStore, T> work) {
        return call(Operation.IN_TRANSACTION, () -> ((TransactionalTokenStore) delegate).inTransaction(work));
    }

    final <T> T timed(Operation op, Supplier<T> call) {
        return call(op, call);
    }

    private <T> T call(Operation op, Supplier<T> call) {
        long start = System.nanoTime();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            timers.threw(op, start, e);
            throw e;
        }
        timers.returned(op, start, result);
        return result;
    }

    private void run(Operation op, Runnable call) {
        call(op, () -> {
            call.run();
            return null;
        });
    }
}

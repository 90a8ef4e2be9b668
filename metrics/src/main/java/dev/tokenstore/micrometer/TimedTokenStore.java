package dev.tokenstore.micrometer;

import dev.tokenstore.Arguments;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StateRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An opt-in decorator that times every store operation with the Micrometer timer
 * {@code tokenstore.operations}, tagged {@code operation} (the method name, e.g.
 * {@code loadSessionByAccessToken}), {@code outcome} ({@code success}, {@code not_found} for an
 * empty result or {@code false}, {@code invalid} for an {@link IllegalArgumentException},
 * {@code error} for any other exception) and {@code store=<name>}. No tag carries an argument or a
 * result. It changes nothing else: calls, results and exceptions pass through unchanged.
 *
 * <p>Its {@link #features()} are the delegate's ({@link TimedFeatures}): bulk calls, transactions
 * and key rotation are timed as operations of their own; the change feed ({@code subscribe} passes
 * through untimed), database health and cleanup coordination pass through; so wrapping keeps what
 * a buffer or a cache above it can use. Wrap the outermost store to time what the app sees, or the
 * backend to time the database.
 */
public final class TimedTokenStore extends ForwardingTokenStore {

    private final TokenStore delegate;
    private final OperationTimers timers;
    private final TokenStoreFeatures features;

    private TimedTokenStore(TokenStore delegate, OperationTimers timers) {
        this.delegate = delegate;
        this.timers = timers;
        this.features = TimedFeatures.of(this, delegate);
    }

    /** The delegate's capabilities, with bulk calls, transactions and key rotation timed. */
    @Override
    public TokenStoreFeatures features() {
        return features;
    }

    /** Times {@code delegate}'s operations in {@code registry}, tagged {@code store=tokenstore}. */
    public static TimedTokenStore wrap(TokenStore delegate, MeterRegistry registry) {
        return wrap(delegate, registry, "tokenstore", Tags.empty());
    }

    /** Times {@code delegate}'s operations in {@code registry}, tagged {@code store=name} and {@code tags}. */
    public static TimedTokenStore wrap(TokenStore delegate, MeterRegistry registry, String name, Iterable<Tag> tags) {
        Arguments.requireNonNull(delegate, "delegate");
        Arguments.requireNonNull(registry, "registry");
        Arguments.requireText(name, "name");
        OperationTimers timers = new OperationTimers(registry, Tags.of(tags).and("store", name));
        return new TimedTokenStore(delegate, timers);
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

    // ---------------------------------------------------------------- capabilities (used by TimedFeatures)

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

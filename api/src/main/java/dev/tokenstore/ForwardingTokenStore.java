package dev.tokenstore;

import java.util.List;
import java.util.Optional;

/**
 * A {@link TokenStore} that forwards every call, {@code close()} included, to {@link #delegate()}:
 * the base for decorators that override only a few calls (in the style of Guava's
 * {@code Forwarding*} classes). It adds no behaviour of its own and does not pass capabilities
 * such as {@link BulkSessionStore} or {@link ChangeFeed} through; a subclass that wants them
 * implements them itself ({@link #subscribeThrough} helps with the feed).
 */
public abstract class ForwardingTokenStore implements TokenStore {

    /** Constructor for subclasses. */
    protected ForwardingTokenStore() {
    }

    /** The store every call goes to. */
    protected abstract TokenStore delegate();

    @Override
    public void storeState(StateRecord state) {
        delegate().storeState(state);
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        return delegate().consumeState(state);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        delegate().storeAuthCode(code);
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        return delegate().consumeAuthCode(code);
    }

    @Override
    public void storeSession(StoredSession session) {
        delegate().storeSession(session);
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        return delegate().loadSessionByAccessToken(accessToken);
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        return delegate().loadSessionById(sessionId);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        return delegate().loadSessionByRefreshToken(refreshToken);
    }

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        return delegate().rotateSession(presentedRefreshToken, next);
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        return delegate().deleteSessionByAccessToken(accessToken);
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        return delegate().deleteSessionById(sessionId);
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        return delegate().deleteSessionsByUser(userId);
    }

    @Override
    public void storeClient(ClientRecord client) {
        delegate().storeClient(client);
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        return delegate().loadClient(clientId);
    }

    @Override
    public List<ClientRecord> listClients() {
        return delegate().listClients();
    }

    @Override
    public boolean deleteClient(String clientId) {
        return delegate().deleteClient(clientId);
    }

    @Override
    public CleanupResult cleanupExpired() {
        return delegate().cleanupExpired();
    }

    @Override
    public void close() {
        delegate().close();
    }

    /**
     * For subclasses that implement {@link ChangeFeed}: subscribes to the delegate's feed.
     *
     * @throws UnsupportedOperationException if the delegate has no change feed
     */
    protected ChangeSubscription subscribeThrough(ChangeListener listener) {
        if (!(delegate() instanceof ChangeFeed feed)) {
            throw new UnsupportedOperationException(delegate() + " has no change feed");
        }
        return feed.subscribe(listener);
    }

    /** The delegate's {@code toString()}, which never shows a secret. */
    @Override
    public String toString() {
        return delegate().toString();
    }
}

package dev.tokenstore;

import java.util.List;
import java.util.Optional;

/**
 * A {@link TokenStore} that forwards every call, {@code close()} included, to {@link #delegate()}:
 * the base for decorators that override only a few calls (in the style of Guava's
 * {@code Forwarding*} classes). Its {@link #features()} are the delegate's (and any capability
 * interface the subclass implements itself), so capabilities pass through a stack; a decorator
 * that must see what a capability does (a cache invalidating around bulk writes, a buffer flushing
 * first) overrides {@link #features()} and replaces those ({@link TokenStoreFeatures#with}).
 * {@link #unwrap} and {@link #layers} look at this layer, then the delegate's.
 */
public abstract class ForwardingTokenStore implements TokenStore {

    /** Constructor for subclasses. */
    protected ForwardingTokenStore() {
    }

    /** The store every call goes to. */
    protected abstract TokenStore delegate();

    /**
     * The delegate's capabilities, passed through unchanged, except those this object implements
     * itself (a subclass that {@code implements BulkSessionStore} offers its own); override to
     * intercept or hide some.
     */
    @Override
    public TokenStoreFeatures features() {
        return TokenStoreFeatures.overlay(delegate().features(), TokenStoreFeatures.of(this));
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : delegate().unwrap(type);
    }

    /** This layer, then the delegate's layers. */
    @Override
    public List<TokenStore> layers() {
        List<TokenStore> below = delegate().layers();
        List<TokenStore> all = new java.util.ArrayList<>(below.size() + 1);
        all.add(this);
        all.addAll(below);
        return List.copyOf(all);
    }

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

    /** The delegate's {@code toString()}, which never shows a secret. */
    @Override
    public String toString() {
        return delegate().toString();
    }
}

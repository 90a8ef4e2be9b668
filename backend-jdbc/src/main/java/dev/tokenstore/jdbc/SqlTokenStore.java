package dev.tokenstore.jdbc;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The {@link TokenStore} operations in SQL, each part in a class of its own (one-time values,
 * sessions, revocations, rotation, clients, cleanup), all run through one {@link Runner}: the
 * pooled runner of {@link JdbcTokenStore}, or the bound runner of an {@code inTransaction} call.
 */
final class SqlTokenStore implements TokenStore, BulkSessionStore {
    private final SqlContext context;
    private final int cleanupChunkSize;
    private final long reuseGraceMillis;
    private final OneTimeSql oneTime;
    private final SessionSql sessions;
    private final RevocationSql revocations;
    private final RotationSql rotation;
    private final ClientSql clients;
    private final CleanupSql cleanup;

    SqlTokenStore(SqlContext context, int cleanupChunkSize, long reuseGraceMillis) {
        this.context = context;
        this.cleanupChunkSize = cleanupChunkSize;
        this.reuseGraceMillis = reuseGraceMillis;
        this.oneTime = new OneTimeSql(context);
        this.sessions = new SessionSql(context);
        this.revocations = new RevocationSql(context);
        this.rotation = new RotationSql(context, sessions, revocations, reuseGraceMillis);
        this.clients = new ClientSql(context);
        this.cleanup = new CleanupSql(context, cleanupChunkSize);
    }

    /** The same operations over another runner (the transaction-bound one). */
    SqlTokenStore withRunner(Runner other) {
        return new SqlTokenStore(context.withRunner(other), cleanupChunkSize, reuseGraceMillis);
    }

    @Override
    public void storeState(StateRecord state) {
        oneTime.storeState(state);
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        return oneTime.consumeState(state);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        oneTime.storeAuthCode(code);
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        return oneTime.consumeAuthCode(code);
    }

    @Override
    public void storeSession(StoredSession session) {
        sessions.storeSession(session);
    }

    @Override
    public void bulkStoreSessions(List<StoredSession> batch) {
        sessions.bulkStoreSessions(batch);
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        return sessions.loadSessionByAccessToken(accessToken);
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        return sessions.loadSessionById(sessionId);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        return sessions.loadSessionByRefreshToken(refreshToken);
    }

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        return rotation.rotateSession(presentedRefreshToken, next);
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        return revocations.deleteSessionByAccessToken(accessToken);
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        return revocations.deleteSessionById(sessionId);
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        return revocations.deleteSessionsByUser(userId);
    }

    @Override
    public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
        return revocations.bulkDeleteSessionsByHash(accessTokenHashes);
    }

    @Override
    public void storeClient(ClientRecord client) {
        clients.storeClient(client);
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        return clients.loadClient(clientId);
    }

    @Override
    public List<ClientRecord> listClients() {
        return clients.listClients();
    }

    @Override
    public boolean deleteClient(String clientId) {
        return clients.deleteClient(clientId);
    }

    @Override
    public CleanupResult cleanupExpired() {
        return cleanup.cleanupExpired();
    }

    /** The store handed to inTransaction work does not own the connection; closing it does nothing. */
    @Override
    public void close() {
    }
}

package dev.tokenstore.cache;

import dev.tokenstore.Arguments;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.util.List;
import java.util.Optional;

/**
 * The store handed to work inside {@link CachingTokenStore}'s {@code inTransaction}: every call
 * goes straight to the delegate's transaction (reads are not cached: they may see uncommitted
 * writes), and every write is noted so the cache can invalidate it when the transaction ends.
 */
final class TransactionView implements TokenStore {
    private final TokenStore tx;
    private final Changes changes;

    TransactionView(TokenStore tx, Changes changes) {
        this.tx = tx;
        this.changes = changes;
    }

    @Override
    public void storeState(StateRecord state) {
        tx.storeState(state);
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        return tx.consumeState(state);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        tx.storeAuthCode(code);
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        return tx.consumeAuthCode(code);
    }

    @Override
    public void storeSession(StoredSession session) {
        changes.sessionStored(session);
        tx.storeSession(session);
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        return tx.loadSessionByAccessToken(accessToken);
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        return tx.loadSessionById(sessionId);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        return tx.loadSessionByRefreshToken(refreshToken);
    }

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        String presentedHash = Rotation.checkArguments(presentedRefreshToken, next);
        changes.sessionStored(next).tokenHash(presentedHash);
        return tx.rotateSession(presentedRefreshToken, next);
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        Arguments.requireText(accessToken, "accessToken");
        changes.accessTokenDeleted(accessToken);
        return tx.deleteSessionByAccessToken(accessToken);
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        changes.sessionDeleted(sessionId);
        return tx.deleteSessionById(sessionId);
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        changes.userDeleted(userId);
        return tx.deleteSessionsByUser(userId);
    }

    @Override
    public void storeClient(ClientRecord client) {
        if (client != null) {
            changes.clientChanged(client.clientId());
        }
        tx.storeClient(client);
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        return tx.loadClient(clientId);
    }

    @Override
    public List<ClientRecord> listClients() {
        return tx.listClients();
    }

    @Override
    public boolean deleteClient(String clientId) {
        changes.clientChanged(clientId);
        return tx.deleteClient(clientId);
    }

    @Override
    public CleanupResult cleanupExpired() {
        return tx.cleanupExpired();
    }

    @Override
    public void close() {
        tx.close();
    }

    @Override
    public String toString() {
        return "TransactionView[" + tx + "]";
    }
}

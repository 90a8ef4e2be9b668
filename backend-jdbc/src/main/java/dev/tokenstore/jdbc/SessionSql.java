package dev.tokenstore.jdbc;

import static dev.tokenstore.Arguments.requireNonNull;
import static dev.tokenstore.Arguments.requireText;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.Refusals;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in SQL: written one at a time or in bulk, each write refused (and so rolled back) if it
 * would undo a revocation or a rotation; read by token hash or id, and returned only if the row
 * found really holds what was presented.
 */
final class SessionSql extends SqlPart {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSql.class);

    SessionSql(SqlContext context) {
        super(context);
    }

    void storeSession(StoredSession session) {
        requireNonNull(session, "session");
        Object[] row = rows.session(session);
        // No holder lookups first: the unique indexes on the token hashes refuse a token another
        // session holds, and upsertSession turns that violation into the same argument error
        // (naming the field) -- two round trips fewer per call on a networked database.
        runner.write("storeSession", tx -> {
            upsertSession(tx, row);
            refuseUndoing(tx, session.sessionId(), (String) row[0], session.refreshTokenHash(), "refreshToken",
                    clock.millis());
            changes.publish(tx, ChangeEvent.builder().sessionStored(session).build());
            return null;
        });
    }

    /**
     * Refuses (and so rolls back) a session write that would undo a revocation or a rotation: a
     * live tombstone of the session, or a live retirement of its refresh token. Runs after the
     * write itself, inside its transaction: the write's row lock orders it against a concurrent
     * revocation (which deletes that row after recording the tombstone), so whichever commits
     * second sees the first.
     */
    void refuseUndoing(Tx tx, String sessionId, String sessionKey, String refreshHash, String refreshField,
                       long now) throws SQLException {
        try (Tx.Prepared p = tx.prepare(sql.writeBlockers)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, sessionKey);
            ps.setLong(2, now);
            if (refreshHash == null) {
                ps.setNull(3, Schema.S);
            } else {
                ps.setString(3, refreshHash);
            }
            ps.setLong(4, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw rs.getInt(1) == 1 ? Refusals.sessionRevoked(sessionId)
                            : Refusals.refreshTokenRetired(sessionId, refreshField);
                }
            }
        }
    }

    /** {@link #refuseUndoing} for a whole batch (two queries whatever its size). */
    private void refuseUndoingAny(Tx tx, List<StoredSession> sessions, List<Object[]> batch, long now)
            throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        Set<String> refreshHashes = new LinkedHashSet<>();
        for (int i = 0; i < sessions.size(); i++) {
            keys.add((String) batch.get(i)[0]);
            String refresh = sessions.get(i).refreshTokenHash();
            if (refresh != null) {
                refreshHashes.add(refresh);
            }
        }
        Set<String> revoked = new HashSet<>(InLists.query(tx.connection(), dialect, "SELECT session_hash FROM "
                + sql.schema.revokedSessions + " WHERE expires_at > ? AND session_hash", now, keys, rs -> rs.getString(1)));
        Set<String> retired = refreshHashes.isEmpty() ? Set.of() : new HashSet<>(InLists.query(
                tx.connection(), dialect, "SELECT token_hash FROM " + sql.schema.retiredTokens
                        + " WHERE expires_at > ? AND token_hash", now, refreshHashes, rs -> rs.getString(1)));
        for (int i = 0; i < sessions.size(); i++) {
            StoredSession session = sessions.get(i);
            if (revoked.contains((String) batch.get(i)[0])) {
                throw Refusals.sessionRevoked(session.sessionId());
            }
            if (session.refreshToken() != null && retired.contains(session.refreshTokenHash())) {
                throw Refusals.refreshTokenRetired(session.sessionId(), "sessions[" + i + "].refreshToken");
            }
        }
    }

    private void upsertSession(Tx tx, Object[] row) throws SQLException {
        TokenInUse.translating(dialect, "", () -> update(tx, sql.upsertSession, Schema.SESSION_COLUMNS, row));
    }

    void bulkStoreSessions(List<StoredSession> sessions) {
        requireNonNull(sessions, "sessions");
        List<Object[]> batch = new ArrayList<>(sessions.size());
        ChangeEvent.Builder change = ChangeEvent.builder();
        for (int i = 0; i < sessions.size(); i++) {
            StoredSession session = requireNonNull(sessions.get(i), "sessions[" + i + "]");
            batch.add(rows.session(session));
            change.sessionStored(session);
        }
        ChangeEvent event = change.build();
        if (batch.isEmpty()) {
            runner.read("bulkStoreSessions", tx -> null); // still fails on a closed store
            return;
        }
        runner.write("bulkStoreSessions", tx -> {
            TokenInUse.translating(dialect, "", () -> {
                dialect.upsertAll(tx.connection(), sql.schema.sessions, Schema.SESSION_COLUMNS, SESSION_KEY, batch);
                return null;
            });
            refuseUndoingAny(tx, sessions, batch, clock.millis());
            changes.publish(tx, event);
            return null;
        });
    }

    Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(requireText(accessToken, "accessToken"));
        return loadSession("loadSessionByAccessToken", sql.sessionByAccessHash, hash, StoredSession::accessToken,
                accessToken);
    }

    Optional<StoredSession> loadSessionById(String sessionId) {
        if (impossibleKey(requireText(sessionId, "sessionId"))) {
            return Optional.ofNullable(runner.read("loadSessionById", tx -> null));
        }
        return loadSession("loadSessionById", sql.sessionById, Rows.sessionKey(sessionId), StoredSession::sessionId,
                sessionId);
    }

    Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        String hash = TokenHash.sha256Hex(requireText(refreshToken, "refreshToken"));
        return loadSession("loadSessionByRefreshToken", sql.sessionByRefreshHash, hash, StoredSession::refreshToken,
                refreshToken);
    }

    private Optional<StoredSession> loadSession(String operation, String query, String key,
                                                Function<StoredSession, String> held, String presented) {
        long now = clock.millis();
        return Optional.ofNullable(runner.read(operation, tx -> holding(selectSession(tx, query, key, now), held,
                presented, operation)));
    }

    /**
     * The session found by a hash, if it really holds what was presented (compared in constant
     * time after decryption), else null: only the hash column found the row, and someone with
     * write access to the database but no key could have pointed it at another session's row.
     */
    StoredSession holding(StoredSession found, Function<StoredSession, String> held, String presented,
                          String operation) {
        if (found == null || TokenHash.sameToken(held.apply(found), presented)) {
            return found;
        }
        LOG.warn("{}: the row found by hash does not hold the presented value; answered as not found (was the "
                + "database changed outside tokenstore?)", operation);
        return null;
    }

    StoredSession selectSession(Tx tx, String query, String key, long now) throws SQLException {
        try (Tx.Prepared p = tx.prepare(query)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, key);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rows.session(rs) : null;
            }
        }
    }
}

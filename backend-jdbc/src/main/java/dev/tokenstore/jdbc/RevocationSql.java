package dev.tokenstore.jdbc;

import static dev.tokenstore.Arguments.requireText;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Revocations in SQL, final: each revoked session gets a tombstone (until it would have expired
 * anyway) in the same transaction that deletes it by key, so no late or stale write brings it back.
 */
final class RevocationSql extends SqlPart {
    RevocationSql(SqlContext context) {
        super(context);
    }

    int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
        Set<String> hashes = TokenHash.requireSha256Hexes(accessTokenHashes, "accessTokenHashes");
        if (hashes.isEmpty()) {
            return runner.read("bulkDeleteSessionsByHash", tx -> 0);
        }
        ChangeEvent.Builder change = ChangeEvent.builder();
        hashes.forEach(change::tokenHash);
        ChangeEvent event = change.build();
        return runner.write("bulkDeleteSessionsByHash", tx -> {
            int deleted = revokeRows(tx, InLists.query(tx.connection(), dialect, "SELECT session_hash, purge_after FROM "
                    + sql.schema.sessions + " WHERE access_token_hash", null, hashes, RevocationSql::tombstone));
            if (deleted > 0) {
                changes.publish(tx, event);
            }
            return deleted;
        });
    }

    boolean deleteSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(requireText(accessToken, "accessToken"));
        return runner.write("deleteSessionByAccessToken", tx -> published(tx, revoke(tx, sql.revocableByAccessHash,
                hash), ChangeEvent.builder().tokenHash(hash))) > 0;
    }

    boolean deleteSessionById(String sessionId) {
        String id = requireText(sessionId, "sessionId");
        if (impossibleKey(id)) {
            return runner.read("deleteSessionById", tx -> false);
        }
        String key = Rows.sessionKey(id);
        return runner.write("deleteSessionById", tx -> published(tx, revoke(tx, sql.revocableById, key),
                ChangeEvent.builder().sessionRemoved(id))) > 0;
    }

    int deleteSessionsByUser(String userId) {
        String id = requireText(userId, "userId");
        if (impossibleKey(id)) {
            return runner.read("deleteSessionsByUser", tx -> 0);
        }
        // One probe per key of the ring: rows written under an older primary key hash the id with it.
        List<String> keys = rows.cipher().keyedHashes(id);
        return runner.write("deleteSessionsByUser", tx -> {
            int deleted = 0;
            for (String key : keys) {
                deleted += revoke(tx, sql.revocableByUser, key);
            }
            return published(tx, deleted, ChangeEvent.builder().userRevoked(id));
        });
    }

    /**
     * Revokes the sessions {@code revocableQuery} finds by {@code key} ({@link Statements#revocableById}
     * and its siblings): see {@link #revokeRows}.
     */
    private int revoke(Tx tx, String revocableQuery, String key) throws SQLException {
        List<Object[]> found = new ArrayList<>(1);
        try (Tx.Prepared p = tx.prepare(revocableQuery)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(tombstone(rs));
                }
            }
        }
        return revokeRows(tx, found);
    }

    /**
     * Records each session's tombstone ({@code session_hash}, until its {@code purge_after}), then
     * deletes the sessions by key; returns how many were deleted. Deleting by key, not by the
     * condition that found them, also deletes a version a concurrent write gave the row meanwhile.
     */
    int revokeRows(Tx tx, List<Object[]> tombstones) throws SQLException {
        if (tombstones.isEmpty()) {
            return 0;
        }
        if (tombstones.size() == 1) {
            update(tx, sql.upsertRevoked, Schema.REVOKED_COLUMNS, tombstones.get(0));
            return update(tx, sql.deleteSessionById, (String) tombstones.get(0)[0]);
        }
        List<String> keys = new ArrayList<>(tombstones.size());
        tombstones.forEach(t -> keys.add((String) t[0]));
        dialect.upsertAll(tx.connection(), sql.schema.revokedSessions, Schema.REVOKED_COLUMNS, SESSION_KEY, tombstones);
        return dialect.deleteWhereIn(tx.connection(), sql.schema.sessions, "session_hash", keys);
    }

    private static Object[] tombstone(ResultSet rs) throws SQLException {
        return new Object[] {rs.getString(1), rs.getLong(2)};
    }

    static Object[] tombstone(String sessionKey, StoredSession session) {
        long until = session.accessExpiresAt().toEpochMilli();
        if (session.refreshExpiresAt() != null) {
            until = Math.max(until, session.refreshExpiresAt().toEpochMilli());
        }
        return new Object[] {sessionKey, until};
    }
}

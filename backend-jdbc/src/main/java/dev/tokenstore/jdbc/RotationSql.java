package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Refresh-token rotation in SQL: a compare-and-set rewrite of the session that still holds the
 * presented token; a retired token presented again is reuse (the session is revoked) or, within
 * the grace, a retry answered with the session as it now is.
 */
final class RotationSql extends SqlPart {
    private final SessionSql sessions;
    private final RevocationSql revocations;
    private final long reuseGraceMillis;

    RotationSql(SqlContext context, SessionSql sessions, RevocationSql revocations, long reuseGraceMillis) {
        super(context);
        this.sessions = sessions;
        this.revocations = revocations;
        this.reuseGraceMillis = reuseGraceMillis;
    }

    Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        String presented = Rotation.checkArguments(presentedRefreshToken, next);
        Object[] nextRow = rows.session(next);
        String id = Rows.sessionKey(next.sessionId());
        String refreshHash = next.refreshTokenHash();
        long now = clock.millis();
        Object[] rotateRow = new Object[nextRow.length + 1];
        System.arraycopy(nextRow, 1, rotateRow, 0, nextRow.length - 1);
        rotateRow[nextRow.length - 1] = nextRow[0];
        rotateRow[nextRow.length] = presented;
        // No holder lookups for next's tokens: as in storeSession, the unique token-hash indexes
        // refuse a token another session holds, and rewriteInPlace names the field ("next.").
        return runner.write("rotateSession", tx -> {
            StoredSession current = sessions.holding(sessions.selectSession(tx, sql.sessionByRefreshHash, presented, now),
                    StoredSession::refreshToken, presentedRefreshToken, "rotateSession");
            if (current != null && Rows.sessionKey(current.sessionId()).equals(id)) {
                if (rewriteInPlace(tx, rotateRow)) {
                    sessions.refuseUndoing(tx, next.sessionId(), id, refreshHash, "next.refreshToken", now);
                    retire(tx, presented, next.sessionId(), refreshHash, now, current.refreshExpiresAt().toEpochMilli());
                    changes.publish(tx, ChangeEvent.builder().sessionStored(next).tokenHash(presented)
                            .tokenHash(current.accessTokenHash()).build());
                    return new Rotation.Rotated(current);
                }
                // another rotation of the same token committed between the read and the rewrite
            }
            return presentedRetired(tx, presented, now);
        });
    }

    /**
     * Rewrites the session in place with the next one if its row still holds the presented
     * refresh token (a compare-and-set: of concurrent callers only one rewrites it); an update
     * rather than a delete and insert, so only the changed index entries move.
     */
    private boolean rewriteInPlace(Tx tx, Object[] rotateRow) throws SQLException {
        return TokenInUse.translating(dialect, "next.",
                () -> update(tx, sql.rotateSessionInPlace, Schema.SESSION_ROTATE_COLUMNS, rotateRow) == 1);
    }

    /** The presented token is not live: a retired one is reuse (revoke) or, within the grace, a retry. */
    private Rotation presentedRetired(Tx tx, String presented, long now) throws SQLException {
        String sessionKey;
        String sessionId;
        String successor;
        long retiredAt;
        try (Tx.Prepared p = tx.prepare(sql.selectRetired)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, presented);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Rotation.NOT_FOUND;
                }
                sessionKey = rs.getString(1);
                sessionId = rows.retiredSessionId(presented, rs.getString(2));
                successor = rs.getString(3);
                retiredAt = rs.getLong(4);
            }
        }
        StoredSession holder;
        try (Tx.Prepared p = tx.prepare(sql.sessionByIdAnyExpiry)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, sessionKey);
            try (ResultSet rs = ps.executeQuery()) {
                holder = rs.next() ? rows.session(rs) : null;
            }
        }
        if (holder == null) {
            return new Rotation.Reused(sessionId);
        }
        if (reuseGraceMillis > 0 && successor != null && successor.equals(holder.refreshTokenHash())
                && now < retiredAt + reuseGraceMillis) {
            return new Rotation.AlreadyRotated(holder);
        }
        revocations.revokeRows(tx, List.<Object[]>of(RevocationSql.tombstone(sessionKey, holder)));
        if (holder.refreshToken() != null) {
            retire(tx, holder.refreshTokenHash(), sessionId, null, now, holder.refreshExpiresAt().toEpochMilli());
        }
        changes.publish(tx, ChangeEvent.builder().sessionRemoved(sessionId).tokenHash(holder.accessTokenHash())
                .tokenHash(holder.refreshTokenHash()).build());
        return new Rotation.Reused(sessionId);
    }

    private void retire(Tx tx, String tokenHash, String sessionId, String successorHash, long now, long expiresAt)
            throws SQLException {
        update(tx, sql.upsertRetired, Schema.RETIRED_COLUMNS,
                rows.retired(tokenHash, sessionId, successorHash, now, expiresAt));
    }
}

package dev.tokenstore.jdbc;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeEvent;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Refusals;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TokenStore} operations in SQL, run through a {@link Runner}: the pooled runner of
 * {@link JdbcTokenStore}, or the bound runner of an {@code inTransaction} call. Rows are built
 * (hashed, encrypted, JSON-encoded) before a transaction starts, so transactions stay short.
 */
class StoreCore implements TokenStore, BulkSessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCore.class);
    private static final List<String> SESSION_KEY = List.of("session_hash");

    private final Runner runner;
    private final Statements sql;
    private final SqlDialect dialect;
    private final Rows rows;
    private final Clock clock;
    private final int cleanupChunkSize;
    private final ChangePublisher changes;
    private final long reuseGraceMillis;

    StoreCore(Runner runner, Statements sql, SqlDialect dialect, Rows rows, Clock clock, int cleanupChunkSize,
              ChangePublisher changes, long reuseGraceMillis) {
        this.runner = runner;
        this.sql = sql;
        this.dialect = dialect;
        this.rows = rows;
        this.clock = clock;
        this.cleanupChunkSize = cleanupChunkSize;
        this.changes = changes;
        this.reuseGraceMillis = reuseGraceMillis;
    }

    /** The same operations over another runner (the transaction-bound one). */
    StoreCore withRunner(Runner other) {
        return new StoreCore(other, sql, dialect, rows, clock, cleanupChunkSize, changes, reuseGraceMillis);
    }

    // ------------------------------------------------------------------ states and codes

    @Override
    public void storeState(StateRecord state) {
        requireNonNull(state, "state record");
        Object[] row = rows.state(state);
        runner.write("storeState", tx -> update(tx, sql.upsertState, Schema.STATE_COLUMNS, row));
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        String hash = TokenHash.sha256Hex(requireText(state, "state"));
        Instant now = clock.instant();
        StateRecord taken = runner.write("consumeState", tx -> consume(tx, sql.consumeStateReturning,
                sql.selectState, sql.deleteState, hash, rs -> rows.state(state, rs)));
        return taken == null || taken.isExpired(now) ? Optional.empty() : Optional.of(taken);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        requireNonNull(code, "auth code record");
        Object[] row = rows.authCode(code);
        runner.write("storeAuthCode", tx -> update(tx, sql.upsertAuthCode, Schema.AUTH_CODE_COLUMNS, row));
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        String hash = TokenHash.sha256Hex(requireText(code, "code"));
        Instant now = clock.instant();
        AuthCodeRecord taken = runner.write("consumeAuthCode", tx -> consume(tx, sql.consumeAuthCodeReturning,
                sql.selectAuthCode, sql.deleteAuthCode, hash, rs -> rows.authCode(code, rs)));
        return taken == null || taken.isExpired(now) ? Optional.empty() : Optional.of(taken);
    }

    /**
     * Deletes the row with this key and returns what it held, or null if there was none or
     * another caller deleted it first. Must run inside a write transaction.
     */
    private <T> T consume(Tx tx, String deleteReturning, String select, String delete, String hash,
                          RowReader<T> reader) throws SQLException {
        if (sql.deleteReturning) {
            try (Tx.Prepared p = tx.prepare(deleteReturning)) {
                PreparedStatement ps = p.ps();
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? reader.read(rs) : null;
                }
            }
        }
        T found;
        try (Tx.Prepared p = tx.prepare(select)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                found = reader.read(rs);
            }
        }
        try (Tx.Prepared p = tx.prepare(delete)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, hash);
            // Only the caller whose delete removed the row wins; a concurrent consumer sees 0.
            return ps.executeUpdate() == 1 ? found : null;
        }
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public void storeSession(StoredSession session) {
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
    private void refuseUndoing(Tx tx, String sessionId, String sessionKey, String refreshHash, String refreshField,
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
        Set<String> revoked = new java.util.HashSet<>(InLists.query(tx.connection(), dialect, "SELECT session_hash FROM "
                + sql.schema.revokedSessions + " WHERE expires_at > ? AND session_hash", now, keys, rs -> rs.getString(1)));
        Set<String> retired = refreshHashes.isEmpty() ? Set.of() : new java.util.HashSet<>(InLists.query(
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
        try {
            update(tx, sql.upsertSession, Schema.SESSION_COLUMNS, row);
        } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
                throw tokenInUse(e, dialect, "");
            }
            throw e;
        }
    }

    @Override
    public void bulkStoreSessions(List<StoredSession> sessions) {
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
            try {
                dialect.upsertAll(tx.connection(), sql.schema.sessions, Schema.SESSION_COLUMNS, SESSION_KEY, batch);
                refuseUndoingAny(tx, sessions, batch, clock.millis());
                changes.publish(tx, event);
                return null;
            } catch (SQLException e) {
                if (dialect.isUniqueViolation(e)) {
                    throw tokenInUse(e, dialect, "");
                }
                throw e;
            }
        });
    }

    @Override
    public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
        Set<String> hashes = TokenHash.requireSha256Hexes(accessTokenHashes, "accessTokenHashes");
        if (hashes.isEmpty()) {
            return runner.read("bulkDeleteSessionsByHash", tx -> 0);
        }
        ChangeEvent.Builder change = ChangeEvent.builder();
        hashes.forEach(change::tokenHash);
        ChangeEvent event = change.build();
        return runner.write("bulkDeleteSessionsByHash", tx -> {
            int deleted = revokeRows(tx, InLists.query(tx.connection(), dialect, "SELECT session_hash, purge_after FROM "
                    + sql.schema.sessions + " WHERE access_token_hash", null, hashes, StoreCore::tombstone));
            if (deleted > 0) {
                changes.publish(tx, event);
            }
            return deleted;
        });
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(requireText(accessToken, "accessToken"));
        return loadSession("loadSessionByAccessToken", sql.sessionByAccessHash, hash, StoredSession::accessToken,
                accessToken);
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        if (impossibleKey(requireText(sessionId, "sessionId"))) {
            return Optional.ofNullable(runner.read("loadSessionById", tx -> null));
        }
        return loadSession("loadSessionById", sql.sessionById, Rows.sessionKey(sessionId), StoredSession::sessionId,
                sessionId);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
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
    private StoredSession holding(StoredSession found, Function<StoredSession, String> held, String presented,
                                  String operation) {
        if (found == null || TokenHash.sameToken(held.apply(found), presented)) {
            return found;
        }
        LOG.warn("{}: the row found by hash does not hold the presented value; answered as not found (was the "
                + "database changed outside tokenstore?)", operation);
        return null;
    }

    // ------------------------------------------------------------------ rotation

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
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
            StoredSession current = holding(selectSession(tx, sql.sessionByRefreshHash, presented, now),
                    StoredSession::refreshToken, presentedRefreshToken, "rotateSession");
            if (current != null && Rows.sessionKey(current.sessionId()).equals(id)) {
                if (rewriteInPlace(tx, rotateRow)) {
                    refuseUndoing(tx, next.sessionId(), id, refreshHash, "next.refreshToken", now);
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
        try {
            return update(tx, sql.rotateSessionInPlace, Schema.SESSION_ROTATE_COLUMNS, rotateRow) == 1;
        } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
                throw tokenInUse(e, dialect, "next.");
            }
            throw e;
        }
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
        revokeRows(tx, List.<Object[]>of(tombstone(sessionKey, holder)));
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

    private StoredSession selectSession(Tx tx, String query, String key, long now) throws SQLException {
        try (Tx.Prepared p = tx.prepare(query)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, key);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rows.session(rs) : null;
            }
        }
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(requireText(accessToken, "accessToken"));
        return runner.write("deleteSessionByAccessToken", tx -> published(tx, revoke(tx, sql.revocableByAccessHash,
                hash), ChangeEvent.builder().tokenHash(hash))) > 0;
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        String id = requireText(sessionId, "sessionId");
        if (impossibleKey(id)) {
            return runner.read("deleteSessionById", tx -> false);
        }
        String key = Rows.sessionKey(id);
        return runner.write("deleteSessionById", tx -> published(tx, revoke(tx, sql.revocableById, key),
                ChangeEvent.builder().sessionRemoved(id))) > 0;
    }

    @Override
    public int deleteSessionsByUser(String userId) {
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

    // ------------------------------------------------------------------ clients

    @Override
    public void storeClient(ClientRecord client) {
        requireNonNull(client, "client");
        Object[] row = rows.client(client);
        runner.write("storeClient", tx -> published(tx, update(tx, sql.upsertClient, Schema.CLIENT_COLUMNS, row),
                ChangeEvent.builder().clientChanged(client.clientId())));
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        String id = requireText(clientId, "clientId");
        if (impossibleKey(id)) {
            return Optional.ofNullable(runner.read("loadClient", tx -> null));
        }
        return Optional.ofNullable(runner.read("loadClient", tx -> {
            try (Tx.Prepared p = tx.prepare(sql.selectClient)) {
                PreparedStatement ps = p.ps();
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rows.client(rs) : null;
                }
            }
        }));
    }

    @Override
    public List<ClientRecord> listClients() {
        List<ClientRecord> all = runner.read("listClients", tx -> {
            List<ClientRecord> out = new ArrayList<>();
            try (Tx.Prepared p = tx.prepare(sql.selectClients); ResultSet rs = p.ps().executeQuery()) {
                while (rs.next()) {
                    out.add(rows.client(rs));
                }
            }
            return out;
        });
        // Sorted here, not by ORDER BY, so the order is Java's String order whatever the collation.
        all.sort(Comparator.comparing(ClientRecord::clientId));
        return List.copyOf(all);
    }

    @Override
    public boolean deleteClient(String clientId) {
        String id = requireText(clientId, "clientId");
        if (impossibleKey(id)) {
            return runner.read("deleteClient", tx -> false);
        }
        return runner.write("deleteClient", tx -> published(tx, update(tx, sql.deleteClient, id),
                ChangeEvent.builder().clientChanged(id))) > 0;
    }

    // ------------------------------------------------------------------ cleanup

    @Override
    public CleanupResult cleanupExpired() {
        long now = clock.millis();
        int states = cleanup("cleanupExpired(states)", sql.cleanupStates, now);
        int codes = cleanup("cleanupExpired(auth codes)", sql.cleanupAuthCodes, now);
        int sessions = cleanup("cleanupExpired(sessions)", sql.cleanupSessions, now);
        int retired = cleanup("cleanupExpired(retired refresh tokens)", sql.cleanupRetired, now);
        // tombstones of revoked sessions past the expiry those sessions had: not counted (nothing a
        // lookup could have returned)
        cleanup("cleanupExpired(revoked sessions)", sql.cleanupRevoked, now);
        if (changes.keepsLog()) {
            while (runner.write("cleanupExpired(change log)", tx -> changes.prune(tx, now, cleanupChunkSize))
                    >= cleanupChunkSize) {
                // pruned a full chunk: there may be more
            }
        }
        return new CleanupResult(states, codes, sessions, retired);
    }

    /** Deletes expired rows in transactions of at most {@code cleanupChunkSize} rows each. */
    private int cleanup(String operation, String chunkSql, long now) {
        int total = 0;
        while (true) {
            int deleted = runner.write(operation, tx -> {
                try (Tx.Prepared p = tx.prepare(chunkSql)) {
                    PreparedStatement ps = p.ps();
                    ps.setLong(1, now);
                    ps.setInt(2, cleanupChunkSize);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < cleanupChunkSize) {
                return total;
            }
        }
    }

    /** The store handed to inTransaction work does not own the connection; closing it does nothing. */
    @Override
    public void close() {
    }

    // ------------------------------------------------------------------ helpers

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
    private int revokeRows(Tx tx, List<Object[]> tombstones) throws SQLException {
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

    private static Object[] tombstone(String sessionKey, StoredSession session) {
        long until = session.accessExpiresAt().toEpochMilli();
        if (session.refreshExpiresAt() != null) {
            until = Math.max(until, session.refreshExpiresAt().toEpochMilli());
        }
        return new Object[] {sessionKey, until};
    }

    /** Publishes {@code change} when the write touched a row; returns the row count. */
    private int published(Tx tx, int count, ChangeEvent.Builder change) throws SQLException {
        if (count > 0) {
            changes.publish(tx, change.build());
        }
        return count;
    }

    /** The cause keeps the SQLState and constraint name, not the value (H2 quotes the hash). */
    private static IllegalArgumentException tokenInUse(SQLException e, SqlDialect dialect, String fieldPrefix) {
        // The first line names the violated index; later lines may quote the whole statement.
        boolean refresh = SqlErrors.chain(e).stream().anyMatch(x -> x.getMessage() != null
                && SqlErrors.withoutLiterals(x.getMessage()).toLowerCase(java.util.Locale.ROOT)
                        .contains("refresh_token_hash"));
        return new IllegalArgumentException(fieldPrefix + (refresh ? "refreshToken" : "accessToken")
                + " is already used by another session", SqlRedaction.redact(e, dialect));
    }

    /**
     * True for a key no record can hold (records refuse NUL): lookups answer "not found" without
     * asking the database, which may not even take it as a parameter (PostgreSQL).
     */
    private static boolean impossibleKey(String key) {
        return key.indexOf('\u0000') >= 0;
    }

    private int update(Tx tx, String statement, List<Column> columns, Object[] row) throws SQLException {
        try (Tx.Prepared p = tx.prepare(statement)) {
            PreparedStatement ps = p.ps();
            for (int i = 0; i < columns.size(); i++) {
                dialect.bind(ps, i + 1, row[i], columns.get(i).sqlType());
            }
            return ps.executeUpdate();
        }
    }

    private static int update(Tx tx, String statement, String key) throws SQLException {
        try (Tx.Prepared p = tx.prepare(statement)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, key);
            return ps.executeUpdate();
        }
    }

    static <T> T requireNonNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (was null)");
        }
        return value;
    }

    static String requireText(String value, String field) {
        requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}

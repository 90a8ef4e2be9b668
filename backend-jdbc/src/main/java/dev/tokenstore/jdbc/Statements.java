package dev.tokenstore.jdbc;

/** Every SQL statement of the engine for one schema and dialect, built once at open. */
final class Statements {
    final Schema schema;
    final boolean deleteReturning;

    final String upsertState;
    final String consumeStateReturning;
    final String selectState;
    final String deleteState;

    final String upsertAuthCode;
    final String consumeAuthCodeReturning;
    final String selectAuthCode;
    final String deleteAuthCode;

    final String upsertSession;
    final String sessionByAccessHash;
    final String sessionById;
    final String sessionByRefreshHash;
    final String deleteSessionById;

    final String upsertClient;
    final String selectClient;
    final String selectClients;
    final String deleteClient;

    final String rotateSessionInPlace;
    final String sessionByIdAnyExpiry;
    final String selectRetired;
    final String upsertRetired;

    final String bumpChangeSeq;
    final String insertChange;
    final String changeSeq;
    final String changesAfter;
    final String pruneChanges;

    final String upsertRevoked;
    final String writeBlockers;
    final String revocableById;
    final String revocableByAccessHash;
    final String revocableByUser;
    final String cleanupRevoked;

    final String selectKeyChecks;
    final String insertKeyCheck;

    final String cleanupStates;
    final String cleanupAuthCodes;
    final String cleanupSessions;
    final String cleanupRetired;

    Statements(Schema s, SqlDialect d) {
        this.schema = s;
        this.deleteReturning = d.supportsDeleteReturning();
        String stateCols = Schema.names(Schema.STATE_COLUMNS);
        upsertState = d.typedUpsertSql(s.states, Schema.STATE_COLUMNS, java.util.List.of("state_hash"));
        consumeStateReturning = "DELETE FROM " + s.states + " WHERE state_hash = ? RETURNING " + stateCols;
        selectState = "SELECT " + stateCols + " FROM " + s.states + " WHERE state_hash = ?";
        deleteState = "DELETE FROM " + s.states + " WHERE state_hash = ?";

        String codeCols = Schema.names(Schema.AUTH_CODE_COLUMNS);
        upsertAuthCode = d.typedUpsertSql(s.authCodes, Schema.AUTH_CODE_COLUMNS,
                java.util.List.of("code_hash"));
        consumeAuthCodeReturning = "DELETE FROM " + s.authCodes + " WHERE code_hash = ? RETURNING " + codeCols;
        selectAuthCode = "SELECT " + codeCols + " FROM " + s.authCodes + " WHERE code_hash = ?";
        deleteAuthCode = "DELETE FROM " + s.authCodes + " WHERE code_hash = ?";

        String sessionCols = Schema.names(Schema.SESSION_COLUMNS);
        upsertSession = d.typedUpsertSql(s.sessions, Schema.SESSION_COLUMNS,
                java.util.List.of("session_hash"));
        sessionByAccessHash = "SELECT " + sessionCols + " FROM " + s.sessions
                + " WHERE access_token_hash = ? AND access_expires_at > ?";
        sessionById = "SELECT " + sessionCols + " FROM " + s.sessions
                + " WHERE session_hash = ? AND access_expires_at > ?";
        sessionByRefreshHash = "SELECT " + sessionCols + " FROM " + s.sessions
                + " WHERE refresh_token_hash = ? AND refresh_expires_at > ?";
        deleteSessionById = "DELETE FROM " + s.sessions + " WHERE session_hash = ?";

        String clientCols = Schema.names(Schema.CLIENT_COLUMNS);
        upsertClient = d.typedUpsertSql(s.clients, Schema.CLIENT_COLUMNS, java.util.List.of("client_id"));
        selectClient = "SELECT " + clientCols + " FROM " + s.clients + " WHERE client_id = ?";
        selectClients = "SELECT " + clientCols + " FROM " + s.clients;
        deleteClient = "DELETE FROM " + s.clients + " WHERE client_id = ?";

        cleanupStates = d.deleteChunkSql(s.states, "state_hash", "expires_at <= ?");
        cleanupAuthCodes = d.deleteChunkSql(s.authCodes, "code_hash", "expires_at <= ?");
        cleanupSessions = d.deleteChunkSql(s.sessions, "session_hash", "purge_after <= ?");
        cleanupRetired = d.deleteChunkSql(s.retiredTokens, "token_hash", "expires_at <= ?");

        // compare-and-set: rewrites the row only if it still holds the presented refresh token
        rotateSessionInPlace = "UPDATE " + s.sessions + " SET " + Schema.SESSION_COLUMNS.stream().skip(1)
                .map(c -> c.name() + " = ?").collect(java.util.stream.Collectors.joining(", "))
                + " WHERE session_hash = ? AND refresh_token_hash = ?";
        sessionByIdAnyExpiry = "SELECT " + sessionCols + " FROM " + s.sessions + " WHERE session_hash = ?";
        selectRetired = "SELECT session_hash, session_id_enc, successor_hash, retired_at FROM " + s.retiredTokens
                + " WHERE token_hash = ? AND expires_at > ?";
        upsertRetired = d.typedUpsertSql(s.retiredTokens, Schema.RETIRED_COLUMNS,
                java.util.List.of("token_hash"));

        upsertRevoked = d.typedUpsertSql(s.revokedSessions, Schema.REVOKED_COLUMNS, java.util.List.of("session_hash"));
        // What refuses a session write (see SqlTokenStore#refuseUndoing): a live tombstone of its id
        // (1), a live retirement of its refresh token (2). One round trip for both.
        writeBlockers = "SELECT 1 FROM " + s.revokedSessions + " WHERE session_hash = ? AND expires_at > ? "
                + "UNION ALL SELECT 2 FROM " + s.retiredTokens + " WHERE token_hash = ? AND expires_at > ?";
        String revocable = "SELECT session_hash, purge_after FROM " + s.sessions + " WHERE ";
        revocableById = revocable + "session_hash = ?";
        revocableByAccessHash = revocable + "access_token_hash = ?";
        revocableByUser = revocable + "user_key = ?";
        cleanupRevoked = d.deleteChunkSql(s.revokedSessions, "session_hash", "expires_at <= ?");

        selectKeyChecks = "SELECT key_id, check_value FROM " + s.keyChecks;
        // A plain insert, not an upsert: of two stores opening a new database at once with different
        // keys under one id, the second one's insert fails on the key and it checks again (KeyChecks).
        insertKeyCheck = "INSERT INTO " + s.keyChecks + " (" + Schema.names(Schema.KEY_CHECK_COLUMNS)
                + ") VALUES (?, ?, ?)";

        // How a change-log row gets its number (see ChangeLogPublisher): where writers take turns
        // the next number is simply one past the log's last; elsewhere a counter row, bumped in
        // one statement with the insert where the dialect can, in two where it cannot.
        String counted = d.insertChangeCountedSql(s.changeLog, s.changeSeq);
        if (d.writersTakeTurns()) {
            bumpChangeSeq = null;
            insertChange = "INSERT INTO " + s.changeLog + " (seq, created_at, payload) SELECT COALESCE(MAX(seq), 0) + 1, "
                    + "?, ? FROM " + s.changeLog;
            changeSeq = "SELECT COALESCE(MAX(seq), 0) FROM " + s.changeLog;
        } else {
            bumpChangeSeq = counted != null ? null : "UPDATE " + s.changeSeq + " SET seq = seq + 1 WHERE id = 1";
            insertChange = counted != null ? counted : "INSERT INTO " + s.changeLog
                    + " (seq, created_at, payload) SELECT seq, ?, ? FROM " + s.changeSeq + " WHERE id = 1";
            changeSeq = "SELECT seq FROM " + s.changeSeq + " WHERE id = 1";
        }
        changesAfter = "SELECT seq, payload FROM " + s.changeLog + " WHERE seq > ? ORDER BY seq";
        // Rows older than the retention, found by walking the log in number order from its start
        // (no index on created_at to keep up on every write); the newest row always stays, so
        // numbers never start over.
        pruneChanges = d.deleteChunkSql(s.changeLog, "seq", "seq < COALESCE((SELECT seq FROM " + s.changeLog
                + " WHERE created_at > ? ORDER BY seq LIMIT 1), (SELECT MAX(seq) FROM " + s.changeLog + "))");
    }
}

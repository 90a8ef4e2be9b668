package dev.tokenstore.jdbc;

import static dev.tokenstore.jdbc.TableCopy.hasColumn;
import static dev.tokenstore.jdbc.TableCopy.longOrNull;

import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The data half of schema version 3 (the DDL is {@link Schema}'s): before anything changes, checks
 * each key of the ring against a value it wrote (so a wrong key cannot write the converted rows);
 * sets the three changed tables aside; then, once the new tables exist, copies the set-aside
 * version-2 tables into them, hashing and encrypting what version 2 kept in the clear (session ids,
 * user ids, user JSON), and drops each set-aside table after its copy. Values already encrypted are
 * copied as they are (format 1 stays readable; a rewrite or re-encryption upgrades them).
 *
 * <p>Like every step, safe to run again after being cut short where DDL commits on its own (H2,
 * HSQLDB): what was done is read from the tables themselves, per table — a table still with its
 * version-2 {@code session_id} column is set aside, a set-aside table that is still there is copied
 * again (into an emptied new table) and dropped.
 */
final class VersionThree {
    private final Schema schema;
    private final SqlDialect dialect;
    private final Rows rows;
    private final String storeName;

    VersionThree(Schema schema, SqlDialect dialect, Rows rows, String storeName) {
        this.schema = schema;
        this.dialect = dialect;
        this.rows = rows;
        this.storeName = storeName;
    }

    /**
     * For each key id of the ring, decrypts one value a version-2 database holds under that id
     * (a session's access token or a client secret); fails naming the key id if it does not.
     */
    void verifyKeys(Connection c) throws SQLException {
        TokenCipher cipher = rows.cipher();
        // a run cut short may have left the sessions set aside, or (partly) copied already
        List<String> sessionTables = new ArrayList<>();
        for (String table : List.of(schema.previous(schema.sessions, 2), schema.sessions)) {
            if (hasColumn(c, table, "access_token_enc")) {
                sessionTables.add(table);
            }
        }
        for (String keyId : cipher.keyIds()) {
            String sample = null;
            for (String table : sessionTables) {
                sample = sample == null ? sample(c, table, "access_token_enc", keyId) : sample;
            }
            if (sample == null) {
                sample = sample(c, schema.clients, "client_secret_enc", keyId);
            }
            if (sample == null) {
                continue;
            }
            try {
                cipher.decrypt(sample, Rows.place(Schema.SESSIONS, "access_token_enc", ""));
            } catch (TokenStoreException e) {
                throw new TokenStoreException(storeName + ": encryption key '" + keyId + "' does not decrypt the "
                        + "values this database holds under key id '" + keyId + "' (wrong key for that id); "
                        + "nothing was migrated");
            }
        }
    }

    private static String sample(Connection c, String table, String column, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE " + column
                + " LIKE ?")) {
            // '_' or '%' in a key id match loosely here; the key id is compared exactly below.
            ps.setString(1, "ts1:" + keyId + ":%");
            ps.setMaxRows(16);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    if (keyId.equals(TokenCipher.keyIdOf(value))) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    /** Sets aside (see {@link Schema#setAsideForVersion3}) each changed table not set aside yet. */
    void setAside(Connection c) throws SQLException {
        for (String table : schema.replacedByVersion3()) {
            if (hasColumn(c, table, "session_id")) {
                for (String statement : schema.setAsideForVersion3(table)) {
                    SqlDialect.execute(c, statement);
                }
            }
        }
    }

    /**
     * Copies each set-aside table still there into its version-3 form and drops it. The new table
     * is emptied first: it holds nothing but rows of an earlier copy of the same table cut short.
     */
    void copy(Connection c) throws SQLException {
        copyIfSetAside(c, schema.sessions, this::copySessions);
        copyIfSetAside(c, schema.authCodes, this::copyAuthCodes);
        copyIfSetAside(c, schema.retiredTokens, this::copyRetired);
    }

    private void copyIfSetAside(Connection c, String table, StepCopy copy) throws SQLException {
        String setAside = schema.previous(table, 2);
        if (hasColumn(c, setAside, "session_id")) {
            copy.run(c);
            SqlDialect.execute(c, "DROP TABLE " + setAside);
        }
    }

    private void copySessions(Connection c) throws SQLException {
        TableCopy.copy(c, dialect, "SELECT session_id, provider, user_id, user_info_json, access_token_hash, "
                + "access_token_enc, refresh_token_hash, refresh_token_enc, provider_access_token_enc, provider_refresh_token_enc, "
                + "provider_expires_at, access_expires_at, refresh_expires_at, purge_after, issued_at, created_at FROM "
                + schema.previous(schema.sessions, 2), schema.sessions, Schema.V3_SESSION_COLUMNS, rs -> {
                    String id = rs.getString(1);
                    String key = Rows.sessionKey(id);
                    String t = Schema.SESSIONS;
                    return new Object[] {key, rows.enc(id, t, "session_id_enc", key), rs.getString(2),
                            rows.cipher().keyedHash(rs.getString(3)), rows.enc(rs.getString(4), t, "user_info_enc", key),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), longOrNull(rs, 11), longOrNull(rs, 12), longOrNull(rs, 13),
                            longOrNull(rs, 14), longOrNull(rs, 15), longOrNull(rs, 16)};
                });
    }

    private void copyAuthCodes(Connection c) throws SQLException {
        TableCopy.copy(c, dialect, "SELECT code_hash, session_id, client_id, redirect_uri, code_challenge_enc, "
                + "code_challenge_method, scopes_json, expires_at, created_at FROM " + schema.previous(schema.authCodes, 2), schema.authCodes,
                Schema.AUTH_CODE_COLUMNS, rs -> {
                    String key = rs.getString(1);
                    return new Object[] {key, rows.enc(rs.getString(2), Schema.AUTH_CODES, "session_id_enc", key),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            longOrNull(rs, 8), longOrNull(rs, 9)};
                });
    }

    private void copyRetired(Connection c) throws SQLException {
        TableCopy.copy(c, dialect, "SELECT token_hash, session_id, successor_hash, retired_at, expires_at FROM "
                + schema.previous(schema.retiredTokens, 2), schema.retiredTokens, Schema.RETIRED_COLUMNS,
                rs -> rows.retired(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
    }

    @FunctionalInterface
    private interface StepCopy {
        void run(Connection c) throws SQLException;
    }
}

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
 * Schema version 3, nothing identifying in the clear: sessions keyed by the SHA-256 of their id
 * ({@code session_hash}) with the id itself encrypted ({@code session_id_enc}), the user id only
 * as a keyed hash ({@code user_key}), the user JSON encrypted ({@code user_info_enc}); auth codes
 * and retired refresh tokens name their session only encrypted or hashed; and a check value per
 * key id ({@code key_checks}).
 *
 * <p>Its data steps: before anything changes, checks
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
final class SchemaVersion3 extends SchemaStep {
    private final Rows rows;
    private final String storeName;

    SchemaVersion3(Schema schema, SqlDialect dialect, Rows rows, String storeName) {
        super(3, schema, dialect);
        this.rows = rows;
        this.storeName = storeName;
    }

    @Override
    List<String> ddl() {
        SqlDialect d = dialect;
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return Schema.concat(schema.authCodesTable(d), List.of(
                "CREATE TABLE IF NOT EXISTS " + schema.sessions + " ("
                        + "session_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "session_id_enc " + t + " NOT NULL, "
                        + "provider " + t + " NOT NULL, "
                        + "user_key " + k + " NOT NULL, "
                        + "user_info_enc " + t + " NOT NULL, "
                        + "access_token_hash " + k + " NOT NULL, "
                        + "access_token_enc " + t + " NOT NULL, "
                        + "refresh_token_hash " + k + ", "
                        + "refresh_token_enc " + t + ", "
                        + "provider_access_token_enc " + t + ", "
                        + "provider_refresh_token_enc " + t + ", "
                        + "provider_expires_at " + b + ", "
                        + "access_expires_at " + b + " NOT NULL, "
                        + "refresh_expires_at " + b + ", "
                        + "purge_after " + b + " NOT NULL, "
                        + "issued_at " + b + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)"), schema.sessionIndexes(), schema.retiredAndKeyChecksTables(d));
    }

    /** The three tables version 3 replaces (renamed to {@link #previous}, created anew, rows copied). */
    List<String> replacedByVersion3() {
        return List.of(schema.authCodes, schema.sessions, schema.retiredTokens);
    }

    /**
     * Sets a version-2 table aside for version 3: drops its indexes (version 3 reuses their names,
     * and index names are per schema, not per table) and renames it to {@link #previous}. Run only
     * while the table still has its version-2 columns (see {@link #before}).
     */
    List<String> setAsideForVersion3(String table) {
        List<String> indexes;
        if (table.equals(schema.sessions)) {
            indexes = List.of(schema.sessions + "_access_token_hash_uq", schema.sessions + "_refresh_token_hash_uq",
                    schema.sessions + "_user_id_idx", schema.sessions + "_purge_after_idx");
        } else if (table.equals(schema.authCodes) || table.equals(schema.retiredTokens)) {
            indexes = List.of(table + "_expires_at_idx");
        } else {
            throw new IllegalArgumentException("version 3 does not replace " + table);
        }
        return schema.setAside(table, indexes, 2);
    }

    /**
     * For each key id of the ring, decrypts one value a version-2 database holds under that id
     * (a session's access token or a client secret); fails naming the key id if it does not.
     */
    @Override
    void checkBeforeMigrating(Connection c) throws SQLException {
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

    /** Sets aside (see {@link #setAsideForVersion3}) each changed table not set aside yet. */
    @Override
    void before(Connection c) throws SQLException {
        for (String table : replacedByVersion3()) {
            if (hasColumn(c, table, "session_id")) {
                for (String statement : setAsideForVersion3(table)) {
                    SqlDialect.execute(c, statement);
                }
            }
        }
    }

    /**
     * Copies each set-aside table still there into its version-3 form and drops it. The new table
     * is emptied first: it holds nothing but rows of an earlier copy of the same table cut short.
     */
    @Override
    void after(Connection c) throws SQLException {
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
                    String id = rs.getString("session_id");
                    String key = Rows.sessionKey(id);
                    String t = Schema.SESSIONS;
                    return new Object[] {key, rows.enc(id, t, "session_id_enc", key), rs.getString("provider"),
                            rows.cipher().keyedHash(rs.getString("user_id")),
                            rows.enc(rs.getString("user_info_json"), t, "user_info_enc", key),
                            rs.getString("access_token_hash"), rs.getString("access_token_enc"),
                            rs.getString("refresh_token_hash"), rs.getString("refresh_token_enc"),
                            rs.getString("provider_access_token_enc"), rs.getString("provider_refresh_token_enc"),
                            longOrNull(rs, "provider_expires_at"), longOrNull(rs, "access_expires_at"),
                            longOrNull(rs, "refresh_expires_at"), longOrNull(rs, "purge_after"),
                            longOrNull(rs, "issued_at"), longOrNull(rs, "created_at")};
                });
    }

    private void copyAuthCodes(Connection c) throws SQLException {
        TableCopy.copy(c, dialect, "SELECT code_hash, session_id, client_id, redirect_uri, code_challenge_enc, "
                + "code_challenge_method, scopes_json, expires_at, created_at FROM " + schema.previous(schema.authCodes, 2), schema.authCodes,
                Schema.AUTH_CODE_COLUMNS, rs -> {
                    String key = rs.getString("code_hash");
                    return new Object[] {key, rows.enc(rs.getString("session_id"), Schema.AUTH_CODES, "session_id_enc", key),
                            rs.getString("client_id"), rs.getString("redirect_uri"), rs.getString("code_challenge_enc"),
                            rs.getString("code_challenge_method"), rs.getString("scopes_json"),
                            longOrNull(rs, "expires_at"), longOrNull(rs, "created_at")};
                });
    }

    private void copyRetired(Connection c) throws SQLException {
        TableCopy.copy(c, dialect, "SELECT token_hash, session_id, successor_hash, retired_at, expires_at FROM "
                + schema.previous(schema.retiredTokens, 2), schema.retiredTokens, Schema.RETIRED_COLUMNS,
                rs -> rows.retired(rs.getString("token_hash"), rs.getString("session_id"), rs.getString("successor_hash"),
                        rs.getLong("retired_at"), rs.getLong("expires_at")));
    }

    @FunctionalInterface
    private interface StepCopy {
        void run(Connection c) throws SQLException;
    }
}

package dev.tokenstore.jdbc;

import static dev.tokenstore.jdbc.TableCopy.hasColumn;
import static dev.tokenstore.jdbc.TableCopy.longOrNull;

import dev.tokenstore.TokenCipher;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Schema version 4, fewer ciphertexts per session: the user JSON and the four tokens in one
 * encrypted value ({@code secrets_enc}, {@link SessionSecrets}), so a session costs two AES-GCM
 * operations to write or read instead of six, and its row is about 250 characters shorter. The
 * sessions table it creates is the current one ({@link Schema#sessionsTable}).
 *
 * <p>Its data steps: sets the version-3 sessions
 * aside, and once the new table exists copies them into it, the user JSON and four tokens (five
 * values of version 3) decrypted and encrypted again as one {@code secrets_enc} value. The session
 * id's value is copied as it is: its place (table, column, row key) is unchanged. Values of format
 * 1 are read here whatever {@code jdbc.unboundValues} says, as re-encryption reads them.
 *
 * <p>Safe to run again after being cut short where DDL commits on its own (H2, HSQLDB): a sessions
 * table still with its version-3 {@code access_token_enc} column is set aside; a set-aside table
 * still there is copied again (into an emptied new table) and dropped. Keys are checked against
 * {@code key_checks} before this runs (version 3 has them), so a wrong key fails naming its id
 * before anything changes.
 */
final class SchemaVersion4 extends SchemaStep {
    private final Rows rows;

    SchemaVersion4(Schema schema, SqlDialect dialect, Rows rows) {
        super(4, schema, dialect);
        this.rows = rows;
    }

    @Override
    List<String> ddl() {
        return schema.sessionsTable(dialect);
    }

    /**
     * Sets the version-3 sessions table aside for version 4: drops its indexes (version 4 reuses
     * their names) and renames it to {@link #previous} (run only while it has its version-3
     * columns, see {@link #before}).
     */
    List<String> setAsideForVersion4() {
        return schema.setAside(schema.sessions, List.of(schema.sessions + "_access_token_hash_uq", schema.sessions + "_refresh_token_hash_uq",
                schema.sessions + "_user_key_idx", schema.sessions + "_purge_after_idx"), 3);
    }

    @Override
    void before(Connection c) throws SQLException {
        if (hasColumn(c, schema.sessions, "access_token_enc")) {
            for (String statement : setAsideForVersion4()) {
                SqlDialect.execute(c, statement);
            }
        }
    }

    @Override
    void after(Connection c) throws SQLException {
        String setAside = schema.previous(schema.sessions, 3);
        if (!hasColumn(c, setAside, "access_token_enc")) {
            return;
        }
        TokenCipher cipher = rows.cipher();
        String t = Schema.SESSIONS;
        TableCopy.copy(c, dialect, "SELECT session_hash, session_id_enc, provider, user_key, access_token_hash, "
                + "refresh_token_hash, user_info_enc, access_token_enc, refresh_token_enc, provider_access_token_enc, "
                + "provider_refresh_token_enc, provider_expires_at, access_expires_at, refresh_expires_at, "
                + "purge_after, issued_at, created_at FROM " + setAside, schema.sessions, Schema.SESSION_COLUMNS, rs -> {
                    String key = rs.getString("session_hash");
                    SessionSecrets secrets = new SessionSecrets(
                            cipher.decrypt(rs.getString("user_info_enc"), Rows.place(t, "user_info_enc", key)),
                            cipher.decrypt(rs.getString("access_token_enc"), Rows.place(t, "access_token_enc", key)),
                            cipher.decrypt(rs.getString("refresh_token_enc"), Rows.place(t, "refresh_token_enc", key)),
                            cipher.decrypt(rs.getString("provider_access_token_enc"),
                                    Rows.place(t, "provider_access_token_enc", key)),
                            cipher.decrypt(rs.getString("provider_refresh_token_enc"),
                                    Rows.place(t, "provider_refresh_token_enc", key)));
                    return new Object[] {key, rs.getString("session_id_enc"), rs.getString("provider"),
                            rs.getString("user_key"), rs.getString("access_token_hash"),
                            rs.getString("refresh_token_hash"), rows.secrets(secrets, key),
                            longOrNull(rs, "provider_expires_at"), longOrNull(rs, "access_expires_at"),
                            longOrNull(rs, "refresh_expires_at"), longOrNull(rs, "purge_after"),
                            longOrNull(rs, "issued_at"), longOrNull(rs, "created_at")};
                });
        SqlDialect.execute(c, "DROP TABLE " + setAside);
    }
}

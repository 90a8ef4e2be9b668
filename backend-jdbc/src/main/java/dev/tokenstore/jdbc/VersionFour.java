package dev.tokenstore.jdbc;

import static dev.tokenstore.jdbc.TableCopy.hasColumn;
import static dev.tokenstore.jdbc.TableCopy.longOrNull;

import dev.tokenstore.TokenCipher;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The data half of schema version 4 (the DDL is {@link Schema}'s): sets the version-3 sessions
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
final class VersionFour {
    private final Schema schema;
    private final SqlDialect dialect;
    private final Rows rows;

    VersionFour(Schema schema, SqlDialect dialect, Rows rows) {
        this.schema = schema;
        this.dialect = dialect;
        this.rows = rows;
    }

    void setAside(Connection c) throws SQLException {
        if (hasColumn(c, schema.sessions, "access_token_enc")) {
            for (String statement : schema.setAsideForVersion4()) {
                SqlDialect.execute(c, statement);
            }
        }
    }

    void copy(Connection c) throws SQLException {
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
                    String key = rs.getString(1);
                    SessionSecrets secrets = new SessionSecrets(
                            cipher.decrypt(rs.getString(7), Rows.place(t, "user_info_enc", key)),
                            cipher.decrypt(rs.getString(8), Rows.place(t, "access_token_enc", key)),
                            cipher.decrypt(rs.getString(9), Rows.place(t, "refresh_token_enc", key)),
                            cipher.decrypt(rs.getString(10), Rows.place(t, "provider_access_token_enc", key)),
                            cipher.decrypt(rs.getString(11), Rows.place(t, "provider_refresh_token_enc", key)));
                    return new Object[] {key, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rows.secrets(secrets, key), longOrNull(rs, 12), longOrNull(rs, 13),
                            longOrNull(rs, 14), longOrNull(rs, 15), longOrNull(rs, 16), longOrNull(rs, 17)};
                });
        SqlDialect.execute(c, "DROP TABLE " + setAside);
    }
}

package dev.tokenstore.jdbc;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.testing.FormatOneValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * For migration tests only (in this module's test jar, {@code tokenstore-jdbc:tests}, not in the
 * engine): turns the database under an open {@link JdbcTokenStore} back into
 * what an earlier release wrote, holding the given records — schema version 3 (six encrypted
 * values per session, in {@link TokenCipher} format 2) or schema version 2 (values in format 1
 * bound to the key id only, session ids, user ids and user JSON in the clear). Close the store
 * afterwards and open a new one to migrate it.
 */
public final class PreviousFormat {
    private PreviousFormat() {
    }

    /**
     * Replaces everything in the store's database with {@code sessions}, {@code clients},
     * {@code states} and {@code codes} written in schema version 2, its values encrypted with the
     * primary key of {@code options} (the store's).
     *
     * @throws IllegalArgumentException if {@code store} is not a {@link JdbcTokenStore}
     */
    public static void writeVersion2(TokenStore store, TokenStoreOptions options, List<StoredSession> sessions,
                                     List<ClientRecord> clients, List<StateRecord> states, List<AuthCodeRecord> codes) {
        JdbcTokenStore jdbc = jdbc(store);
        Schema s = jdbc.access().statements().schema;
        SqlDialect d = jdbc.access().dialect();
        FormatOneValues cipher = FormatOneValues.of(options);
        jdbc.access().write("write previous format", tx -> {
            Connection c = tx.connection();
            reset(c, s, d, 2);
            for (StoredSession x : sessions) {
                Long purge = x.refreshExpiresAt() != null && x.refreshExpiresAt().isAfter(x.accessExpiresAt())
                        ? Rows.millis(x.refreshExpiresAt()) : Rows.millis(x.accessExpiresAt());
                insert(c, d, s.sessions, "session_id, provider, user_id, user_info_json, access_token_hash, "
                        + "access_token_enc, refresh_token_hash, refresh_token_enc, provider_access_token_enc, "
                        + "provider_refresh_token_enc, provider_expires_at, access_expires_at, refresh_expires_at, "
                        + "purge_after, issued_at, created_at", x.sessionId(), x.provider(), x.userId(),
                        Json.userInfo(x.userInfo()), x.accessTokenHash(), cipher.encrypt(x.accessToken()),
                        x.refreshTokenHash(), cipher.encrypt(x.refreshToken()), cipher.encrypt(x.providerAccessToken()),
                        cipher.encrypt(x.providerRefreshToken()), Rows.millis(x.providerExpiresAt()),
                        Rows.millis(x.accessExpiresAt()), Rows.millis(x.refreshExpiresAt()), purge,
                        Rows.millis(x.issuedAt()), Rows.millis(x.createdAt()));
            }
            for (ClientRecord x : clients) {
                insert(c, d, s.clients, Schema.names(Schema.CLIENT_COLUMNS), x.clientId(),
                        cipher.encrypt(x.clientSecret()), x.tokenEndpointAuthMethod(), Json.list(x.redirectUris()),
                        Json.list(x.grantTypes()), Json.list(x.responseTypes()), x.scope(), x.clientName(),
                        Rows.millis(x.createdAt()));
            }
            for (StateRecord x : states) {
                insert(c, d, s.states, Schema.names(Schema.STATE_COLUMNS), TokenHash.sha256Hex(x.state()),
                        x.clientId(), x.redirectUri(), cipher.encrypt(x.codeChallenge()), x.codeChallengeMethod(),
                        cipher.encrypt(x.providerCodeVerifier()), cipher.encrypt(x.clientState()),
                        Json.list(x.scopes()), Rows.millis(x.expiresAt()), Rows.millis(x.createdAt()));
            }
            for (AuthCodeRecord x : codes) {
                insert(c, d, s.authCodes, "code_hash, session_id, client_id, redirect_uri, code_challenge_enc, "
                        + "code_challenge_method, scopes_json, expires_at, created_at", TokenHash.sha256Hex(x.code()),
                        x.sessionId(), x.clientId(), x.redirectUri(), cipher.encrypt(x.codeChallenge()),
                        x.codeChallengeMethod(), Json.list(x.scopes()), Rows.millis(x.expiresAt()),
                        Rows.millis(x.createdAt()));
            }
            return null;
        });
    }

    /**
     * Replaces everything in the store's database with {@code sessions}, {@code clients},
     * {@code states} and {@code codes} written in schema version 3, with the key check values
     * that version records.
     *
     * @throws IllegalArgumentException if {@code store} is not a {@link JdbcTokenStore}
     */
    public static void writeVersion3(TokenStore store, List<StoredSession> sessions, List<ClientRecord> clients,
                                     List<StateRecord> states, List<AuthCodeRecord> codes) {
        JdbcTokenStore jdbc = jdbc(store);
        Schema s = jdbc.access().statements().schema;
        SqlDialect d = jdbc.access().dialect();
        Rows rows = jdbc.access().rows();
        TokenCipher cipher = rows.cipher();
        jdbc.access().write("write previous format", tx -> {
            Connection c = tx.connection();
            reset(c, s, d, 3);
            String t = Schema.SESSIONS;
            for (StoredSession x : sessions) {
                Object[] now = rows.session(x); // version 4's row: its key, hashes and times are version 3's too
                String key = (String) now[0];
                Object[] row = {key, now[1], x.provider(), now[3], rows.enc(Json.userInfo(x.userInfo()), t,
                        "user_info_enc", key), x.accessTokenHash(), rows.enc(x.accessToken(), t, "access_token_enc", key),
                        x.refreshTokenHash(), rows.enc(x.refreshToken(), t, "refresh_token_enc", key),
                        rows.enc(x.providerAccessToken(), t, "provider_access_token_enc", key),
                        rows.enc(x.providerRefreshToken(), t, "provider_refresh_token_enc", key), now[7], now[8],
                        now[9], now[10], now[11], now[12]};
                insert(c, d, s.sessions, Schema.names(Schema.V3_SESSION_COLUMNS), row);
            }
            for (ClientRecord x : clients) {
                insert(c, d, s.clients, Schema.names(Schema.CLIENT_COLUMNS), rows.client(x));
            }
            for (StateRecord x : states) {
                insert(c, d, s.states, Schema.names(Schema.STATE_COLUMNS), rows.state(x));
            }
            for (AuthCodeRecord x : codes) {
                insert(c, d, s.authCodes, Schema.names(Schema.AUTH_CODE_COLUMNS), rows.authCode(x));
            }
            if (cipher.encrypts()) {
                for (String keyId : cipher.keyIds()) {
                    insert(c, d, s.keyChecks, Schema.names(Schema.KEY_CHECK_COLUMNS), keyId, cipher.checkValue(keyId),
                            0L);
                }
            }
            return null;
        });
    }

    /**
     * Replaces everything in the store's database with the given records in the format of the
     * release {@code stepsBack} back (1: schema version 3, 2: schema version 2); false, with
     * nothing changed, for a format this engine never had.
     */
    public static boolean writeEarlierFormat(TokenStore store, int stepsBack, TokenStoreOptions options,
                                             List<StoredSession> sessions, List<ClientRecord> clients,
                                             List<StateRecord> states, List<AuthCodeRecord> codes) {
        if (stepsBack == 1) {
            writeVersion3(store, sessions, clients, states, codes);
            return true;
        }
        if (stepsBack == 2) {
            writeVersion2(store, options, sessions, clients, states, codes);
            return true;
        }
        return false;
    }

    private static JdbcTokenStore jdbc(TokenStore store) {
        if (!(store instanceof JdbcTokenStore jdbc)) {
            throw new IllegalArgumentException("store must be a JdbcTokenStore, was " + store.getClass().getName());
        }
        return jdbc;
    }

    /**
     * Drops every table and recreates the schema of {@code version} (2 or 3) empty. Version 3's
     * changed tables are created after dropping version 1's: {@code CREATE TABLE IF NOT EXISTS}
     * would otherwise keep the old ones.
     */
    private static void reset(Connection c, Schema s, SqlDialect d, int version) throws SQLException {
        for (String table : List.of(s.sessions, s.authCodes, s.retiredTokens, s.keyChecks, s.revokedSessions,
                s.changeLog, s.changeSeq, s.states, s.clients)) {
            SqlDialect.execute(c, "DROP TABLE " + table);
        }
        // the version rows an earlier release recorded (a fresh database now records only the current one)
        SqlDialect.execute(c, "DELETE FROM " + s.version);
        for (int v = 1; v <= version; v++) {
            SqlDialect.execute(c, "INSERT INTO " + s.version + " (version, applied_at) VALUES (" + v + ", 0)");
        }
        List<SchemaStep> steps = Migrator.steps(s, d, null, "previous format");
        for (int v = 1; v <= Math.min(version, 2); v++) {
            for (String statement : steps.get(v - 1).ddl()) {
                SqlDialect.execute(c, statement);
            }
        }
        if (version == 3) {
            SchemaVersion3 three = (SchemaVersion3) steps.get(2);
            for (String table : three.replacedByVersion3()) {
                SqlDialect.execute(c, "DROP TABLE " + table);
            }
            for (String statement : three.ddl()) {
                SqlDialect.execute(c, statement);
            }
        }
    }

    private static void insert(Connection c, SqlDialect d, String table, String columns, Object... values)
            throws SQLException {
        String sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + "?, ".repeat(values.length - 1) + "?)";
        String[] names = columns.split(",\\s*");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                // every instant column of version 2 ends in _at (or is purge_after); the rest are text
                boolean instant = names[i].endsWith("_at") || names[i].equals("purge_after");
                d.bind(ps, i + 1, values[i], instant ? Schema.L : Schema.S);
            }
            ps.executeUpdate();
        }
    }
}

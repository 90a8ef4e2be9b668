package dev.tokenstore.jdbc;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * For migration tests only: turns the database under an open {@link JdbcTokenStore} back into
 * what the previous release wrote (schema version 2, values in {@link TokenCipher} format 1 bound to
 * the key id only, session ids, user ids and user JSON in the clear) holding the given records.
 * Close the store afterwards and open a new one to migrate it.
 */
public final class PreviousFormat {
    private PreviousFormat() {
    }

    /**
     * Replaces everything in the store's database with {@code sessions}, {@code clients},
     * {@code states} and {@code codes} written in schema version 2.
     *
     * @throws IllegalArgumentException if {@code store} is not a {@link JdbcTokenStore}
     */
    @SuppressWarnings("deprecation")
    public static void writeVersion2(TokenStore store, List<StoredSession> sessions, List<ClientRecord> clients,
                                     List<StateRecord> states, List<AuthCodeRecord> codes) {
        if (!(store instanceof JdbcTokenStore jdbc)) {
            throw new IllegalArgumentException("store must be a JdbcTokenStore, was " + store.getClass().getName());
        }
        Schema s = jdbc.statements().schema;
        SqlDialect d = jdbc.dialect();
        TokenCipher cipher = jdbc.rows().cipher();
        jdbc.writeRaw("write previous format", tx -> {
            Connection c = tx.connection();
            for (String table : List.of(s.sessions, s.authCodes, s.retiredTokens, s.keyChecks, s.changeLog,
                    s.changeSeq, s.states, s.clients)) {
                SqlDialect.execute(c, "DROP TABLE " + table);
            }
            SqlDialect.execute(c, "DELETE FROM " + s.version + " WHERE version > 2");
            for (int version = 1; version <= 2; version++) {
                for (String statement : s.migrationTo(version, d)) {
                    SqlDialect.execute(c, statement);
                }
            }
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

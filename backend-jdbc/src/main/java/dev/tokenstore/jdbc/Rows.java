package dev.tokenstore.jdbc;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Records to rows and back. A row is an {@code Object[]} in the column order of {@link Schema};
 * result sets are read by column name. Secrets go through the {@link TokenCipher}; one-time
 * values (states, codes) are not stored at all, only their SHA-256, because the caller brings
 * the value when consuming.
 */
final class Rows {
    private final TokenCipher cipher;

    Rows(TokenCipher cipher) {
        this.cipher = cipher;
    }

    Object[] state(StateRecord s) {
        return new Object[] {TokenHash.sha256Hex(s.state()), s.clientId(), s.redirectUri(),
                cipher.encrypt(s.codeChallenge()), s.codeChallengeMethod(), cipher.encrypt(s.providerCodeVerifier()),
                cipher.encrypt(s.clientState()), Json.list(s.scopes()), millis(s.expiresAt()), millis(s.createdAt())};
    }

    StateRecord state(String value, ResultSet rs) throws SQLException {
        try {
            return new StateRecord(value, rs.getString("client_id"), rs.getString("redirect_uri"),
                    cipher.decrypt(rs.getString("code_challenge_enc")), rs.getString("code_challenge_method"),
                    cipher.decrypt(rs.getString("provider_code_verifier_enc")),
                    cipher.decrypt(rs.getString("client_state_enc")), Json.readList(rs.getString("scopes_json")),
                    instant(rs, "expires_at"), instant(rs, "created_at"));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    Object[] authCode(AuthCodeRecord c) {
        return new Object[] {TokenHash.sha256Hex(c.code()), c.sessionId(), c.clientId(), c.redirectUri(),
                cipher.encrypt(c.codeChallenge()), c.codeChallengeMethod(), Json.list(c.scopes()),
                millis(c.expiresAt()), millis(c.createdAt())};
    }

    AuthCodeRecord authCode(String value, ResultSet rs) throws SQLException {
        try {
            return new AuthCodeRecord(value, rs.getString("session_id"), rs.getString("client_id"),
                    rs.getString("redirect_uri"), cipher.decrypt(rs.getString("code_challenge_enc")),
                    rs.getString("code_challenge_method"), Json.readList(rs.getString("scopes_json")),
                    instant(rs, "expires_at"), instant(rs, "created_at"));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    Object[] session(StoredSession s) {
        Instant purgeAfter = s.accessExpiresAt();
        if (s.refreshToken() != null && s.refreshExpiresAt() != null && s.refreshExpiresAt().isAfter(purgeAfter)) {
            purgeAfter = s.refreshExpiresAt();
        }
        return new Object[] {s.sessionId(), s.provider(), s.userId(), Json.userInfo(s.userInfo()),
                s.accessTokenHash(), cipher.encrypt(s.accessToken()), s.refreshTokenHash(),
                cipher.encrypt(s.refreshToken()), cipher.encrypt(s.providerAccessToken()),
                cipher.encrypt(s.providerRefreshToken()), millis(s.providerExpiresAt()), millis(s.accessExpiresAt()),
                millis(s.refreshExpiresAt()), millis(purgeAfter), millis(s.issuedAt()), millis(s.createdAt())};
    }

    /**
     * The session in the current row of a select of {@link Schema#SESSION_COLUMNS} (every session
     * select reads those, in that order), read by column position: some drivers look names up
     * slowly (H2 spent an eighth of a point read on it).
     */
    StoredSession session(ResultSet rs) throws SQLException {
        try {
            return new StoredSession(rs.getString(SessionColumn.SESSION_ID), rs.getString(SessionColumn.PROVIDER),
                    Json.readUserInfo(rs.getString(SessionColumn.USER_INFO_JSON)),
                    cipher.decrypt(rs.getString(SessionColumn.ACCESS_TOKEN_ENC)),
                    cipher.decrypt(rs.getString(SessionColumn.REFRESH_TOKEN_ENC)),
                    cipher.decrypt(rs.getString(SessionColumn.PROVIDER_ACCESS_TOKEN_ENC)),
                    cipher.decrypt(rs.getString(SessionColumn.PROVIDER_REFRESH_TOKEN_ENC)),
                    instant(rs, SessionColumn.PROVIDER_EXPIRES_AT), instant(rs, SessionColumn.ACCESS_EXPIRES_AT),
                    instant(rs, SessionColumn.REFRESH_EXPIRES_AT), instant(rs, SessionColumn.ISSUED_AT),
                    instant(rs, SessionColumn.CREATED_AT));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    /** 1-based positions of the columns {@link #session(ResultSet)} reads, in {@link Schema#SESSION_COLUMNS}. */
    static final class SessionColumn {
        static final int SESSION_ID = position("session_id");
        static final int PROVIDER = position("provider");
        static final int USER_INFO_JSON = position("user_info_json");
        static final int ACCESS_TOKEN_ENC = position("access_token_enc");
        static final int REFRESH_TOKEN_ENC = position("refresh_token_enc");
        static final int PROVIDER_ACCESS_TOKEN_ENC = position("provider_access_token_enc");
        static final int PROVIDER_REFRESH_TOKEN_ENC = position("provider_refresh_token_enc");
        static final int PROVIDER_EXPIRES_AT = position("provider_expires_at");
        static final int ACCESS_EXPIRES_AT = position("access_expires_at");
        static final int REFRESH_EXPIRES_AT = position("refresh_expires_at");
        static final int ISSUED_AT = position("issued_at");
        static final int CREATED_AT = position("created_at");

        private SessionColumn() {
        }

        private static int position(String name) {
            for (int i = 0; i < Schema.SESSION_COLUMNS.size(); i++) {
                if (Schema.SESSION_COLUMNS.get(i).name().equals(name)) {
                    return i + 1;
                }
            }
            throw new IllegalStateException("no session column " + name);
        }
    }

    Object[] client(ClientRecord c) {
        return new Object[] {c.clientId(), cipher.encrypt(c.clientSecret()), c.tokenEndpointAuthMethod(),
                Json.list(c.redirectUris()), Json.list(c.grantTypes()), Json.list(c.responseTypes()), c.scope(),
                c.clientName(), millis(c.createdAt())};
    }

    ClientRecord client(ResultSet rs) throws SQLException {
        try {
            return new ClientRecord(rs.getString("client_id"), cipher.decrypt(rs.getString("client_secret_enc")),
                    rs.getString("token_endpoint_auth_method"), Json.readList(rs.getString("redirect_uris_json")),
                    Json.readList(rs.getString("grant_types_json")), Json.readList(rs.getString("response_types_json")),
                    rs.getString("scope"), rs.getString("client_name"), instant(rs, "created_at"));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    /** A stored row the records refuse (a required value missing, expiry before creation): corrupt data. */
    private static TokenStoreException invalidRow(IllegalArgumentException e) {
        return new TokenStoreException("a stored row is invalid (corrupt data?): " + e.getMessage(), e);
    }

    static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return instant(rs, rs.findColumn(column));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }
}

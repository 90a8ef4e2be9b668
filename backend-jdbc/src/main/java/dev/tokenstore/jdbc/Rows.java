package dev.tokenstore.jdbc;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenCipher.Place;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Records to rows and back. A row is an {@code Object[]} in the column order of {@link Schema};
 * result sets are read by column name. Secrets, ids and user data go through the
 * {@link TokenCipher}, each value bound to its {@link Place} (logical table, column, and the key
 * the row is looked up by); one-time values (states, codes) are not stored at all, only their
 * SHA-256, because the caller brings the value when consuming. Sessions are keyed by the SHA-256
 * of their id, users by a keyed hash of theirs; a session's user JSON and tokens are one encrypted
 * value ({@link SessionSecrets}).
 */
final class Rows {
    private final TokenCipher cipher;
    /** Whether values of format 1 (bound to their key id only) fail on read ({@code jdbc.unboundValues}). */
    private final boolean refuseUnbound;

    Rows(TokenCipher cipher, boolean refuseUnbound) {
        this.cipher = cipher;
        this.refuseUnbound = refuseUnbound;
    }

    TokenCipher cipher() {
        return cipher;
    }

    /** Where a value of {@code table.column} in the row keyed {@code rowKey} lives (associated data). */
    static Place place(String table, String column, String rowKey) {
        return new Place(table, column, rowKey);
    }

    String enc(String value, String table, String column, String rowKey) {
        return cipher.encrypt(value, new Place(table, column, rowKey));
    }

    private String dec(String stored, String table, String column, String rowKey) {
        if (refuseUnbound && TokenCipher.isUnbound(stored)) {
            throw new TokenStoreException("value in " + table + "." + column + " is in encryption format 1, not "
                    + "bound to its row, and this store refuses such values (" + JdbcSettings.UNBOUND_VALUES
                    + "=refuse): re-encrypt first (KeyRotation.reencrypt()), or it was copied in from an old dump");
        }
        return cipher.decrypt(stored, new Place(table, column, rowKey));
    }

    /** The key a session row is stored and looked up under: the SHA-256 of its id, as in change events. */
    static String sessionKey(String sessionId) {
        return TokenHash.sha256Hex(sessionId);
    }

    Object[] state(StateRecord s) {
        String key = TokenHash.sha256Hex(s.state());
        String t = Schema.STATES;
        return new Object[] {key, s.clientId(), s.redirectUri(),
                enc(s.codeChallenge(), t, "code_challenge_enc", key), s.codeChallengeMethod(),
                enc(s.providerCodeVerifier(), t, "provider_code_verifier_enc", key),
                enc(s.clientState(), t, "client_state_enc", key), Json.list(s.scopes()), millis(s.expiresAt()),
                millis(s.createdAt())};
    }

    StateRecord state(String value, ResultSet rs) throws SQLException {
        String key = rs.getString("state_hash");
        String t = Schema.STATES;
        try {
            return new StateRecord(value, rs.getString("client_id"), rs.getString("redirect_uri"),
                    dec(rs.getString("code_challenge_enc"), t, "code_challenge_enc", key),
                    rs.getString("code_challenge_method"),
                    dec(rs.getString("provider_code_verifier_enc"), t, "provider_code_verifier_enc", key),
                    dec(rs.getString("client_state_enc"), t, "client_state_enc", key),
                    Json.readList(rs.getString("scopes_json")), instant(rs, "expires_at"), instant(rs, "created_at"));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    Object[] authCode(AuthCodeRecord c) {
        String key = TokenHash.sha256Hex(c.code());
        String t = Schema.AUTH_CODES;
        return new Object[] {key, enc(c.sessionId(), t, "session_id_enc", key), c.clientId(), c.redirectUri(),
                enc(c.codeChallenge(), t, "code_challenge_enc", key), c.codeChallengeMethod(), Json.list(c.scopes()),
                millis(c.expiresAt()), millis(c.createdAt())};
    }

    AuthCodeRecord authCode(String value, ResultSet rs) throws SQLException {
        String key = rs.getString("code_hash");
        String t = Schema.AUTH_CODES;
        try {
            return new AuthCodeRecord(value, dec(rs.getString("session_id_enc"), t, "session_id_enc", key),
                    rs.getString("client_id"), rs.getString("redirect_uri"),
                    dec(rs.getString("code_challenge_enc"), t, "code_challenge_enc", key),
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
        String key = sessionKey(s.sessionId());
        SessionSecrets secrets = new SessionSecrets(Json.userInfo(s.userInfo()), s.accessToken(), s.refreshToken(),
                s.providerAccessToken(), s.providerRefreshToken());
        return new Object[] {key, enc(s.sessionId(), Schema.SESSIONS, "session_id_enc", key), s.provider(),
                cipher.keyedHash(s.userId()), s.accessTokenHash(), s.refreshTokenHash(), secrets(secrets, key),
                millis(s.providerExpiresAt()), millis(s.accessExpiresAt()), millis(s.refreshExpiresAt()),
                millis(purgeAfter), millis(s.issuedAt()), millis(s.createdAt())};
    }

    /** A session's secrets as its row stores them ({@code secrets_enc}, bound to the row's key). */
    String secrets(SessionSecrets secrets, String sessionKey) {
        return enc(secrets.encode(), Schema.SESSIONS, "secrets_enc", sessionKey);
    }

    /**
     * The session in the current row of a select of {@link Schema#SESSION_COLUMNS} (every session
     * select reads those, in that order), read by column position: some drivers look names up
     * slowly (H2 spent an eighth of a point read on it).
     */
    StoredSession session(ResultSet rs) throws SQLException {
        String key = rs.getString(SessionColumn.SESSION_HASH);
        String t = Schema.SESSIONS;
        try {
            SessionSecrets secrets = SessionSecrets.decode(
                    dec(rs.getString(SessionColumn.SECRETS_ENC), t, "secrets_enc", key));
            return new StoredSession(dec(rs.getString(SessionColumn.SESSION_ID_ENC), t, "session_id_enc", key),
                    rs.getString(SessionColumn.PROVIDER), Json.readUserInfo(secrets.userInfoJson()),
                    secrets.accessToken(), secrets.refreshToken(), secrets.providerAccessToken(),
                    secrets.providerRefreshToken(), instant(rs, SessionColumn.PROVIDER_EXPIRES_AT),
                    instant(rs, SessionColumn.ACCESS_EXPIRES_AT), instant(rs, SessionColumn.REFRESH_EXPIRES_AT),
                    instant(rs, SessionColumn.ISSUED_AT), instant(rs, SessionColumn.CREATED_AT));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    /** 1-based positions of the columns {@link #session(ResultSet)} reads, in {@link Schema#SESSION_COLUMNS}. */
    static final class SessionColumn {
        static final int SESSION_HASH = position("session_hash");
        static final int SESSION_ID_ENC = position("session_id_enc");
        static final int PROVIDER = position("provider");
        static final int SECRETS_ENC = position("secrets_enc");
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
        return new Object[] {c.clientId(), enc(c.clientSecret(), Schema.CLIENTS, "client_secret_enc", c.clientId()),
                c.tokenEndpointAuthMethod(), Json.list(c.redirectUris()), Json.list(c.grantTypes()),
                Json.list(c.responseTypes()), c.scope(), c.clientName(), millis(c.createdAt())};
    }

    ClientRecord client(ResultSet rs) throws SQLException {
        String id = rs.getString("client_id");
        try {
            return new ClientRecord(id, dec(rs.getString("client_secret_enc"), Schema.CLIENTS, "client_secret_enc", id),
                    rs.getString("token_endpoint_auth_method"), Json.readList(rs.getString("redirect_uris_json")),
                    Json.readList(rs.getString("grant_types_json")), Json.readList(rs.getString("response_types_json")),
                    rs.getString("scope"), rs.getString("client_name"), instant(rs, "created_at"));
        } catch (IllegalArgumentException e) {
            throw invalidRow(e);
        }
    }

    /** A retired refresh token's row: its hash, its session's key and (encrypted) id, its successor. */
    Object[] retired(String tokenHash, String sessionId, String successorHash, long retiredAt, long expiresAt) {
        return new Object[] {tokenHash, sessionKey(sessionId),
                enc(sessionId, Schema.RETIRED, "session_id_enc", tokenHash), successorHash, retiredAt, expiresAt};
    }

    /** The session id of a retired token's row. */
    String retiredSessionId(String tokenHash, String stored) {
        return dec(stored, Schema.RETIRED, "session_id_enc", tokenHash);
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

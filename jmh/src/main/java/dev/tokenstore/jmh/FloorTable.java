package dev.tokenstore.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.testing.FormatOneValues;
import dev.tokenstore.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The hand-written JDBC floor: a session table shaped like a backend's (session key, token hashes,
 * the encrypted tokens, the user, expiry times, the same indexes) and plain prepared statements
 * over it. Rows carry real AES-GCM ciphertexts and JSON, made once when the row is built; the
 * statements themselves do no hashing, encryption or mapping — that is the floor.
 *
 * <p>Row {@link Shape}s: {@code V4}, what the backends write since schema version 4 (key = SHA-256
 * hex of the session id, the id encrypted, a keyed hash of the user id, the user JSON and the four
 * tokens as one format-2 ciphertext in the {@code user_info} column, the token columns empty);
 * {@code V3}, what they wrote in version 3 (the same, each token and the user JSON a ciphertext of
 * its own); {@code V2}, what they wrote before (the session and user ids and the user JSON in the
 * clear, format-1 ciphertexts). The same engine reading and writing each tells what a row shape
 * costs the engine itself.
 */
final class FloorTable {
    static final String TABLE = "floor_sessions";
    private static final String COLUMNS = "session_id, session_id_enc, provider, user_id, access_token_hash, "
            + "refresh_token_hash, access_token, refresh_token, provider_access_token, provider_refresh_token, "
            + "user_info, provider_expires_at, access_expires_at, refresh_expires_at, issued_at, created_at";
    static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE access_token_hash = ? AND access_expires_at > ?";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the rows hold: the storage format of schema version 3 (the backends' now) or 2. */
    enum Shape {
        V2("v2"), V3("v3"), V4("v4"),
        /**
         * An experiment, not what any backend writes: the v3 row with hashes and ciphertexts as
         * binary columns (raw bytes instead of hex and base64 text), converted when bound.
         */
        V3_BINARY("v3bin");

        private final String param;

        Shape(String param) {
            this.param = param;
        }

        static Shape of(String name) {
            for (Shape s : values()) {
                if (s.param.equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("shape must be v2, v3, v4 or v3bin, was " + name);
        }

        /** A fresh random session key for this shape: an id like the benchmark's, or its SHA-256 hex. */
        String newKey(String randomHex) {
            return this == V2 ? "sid-" + randomHex : randomHex;
        }
    }

    private FloorTable() {
    }

    /** Creates the table and its indexes. */
    static void create(Connection c, Backend backend, Shape shape) throws SQLException {
        String key = shape != Shape.V3_BINARY ? "VARCHAR(200)" : binaryType(backend, 200);
        String value = shape != Shape.V3_BINARY ? "VARCHAR(1000)" : binaryType(backend, 1000);
        String user = shape != Shape.V3_BINARY ? "VARCHAR(16000)" : binaryType(backend, 16000);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (session_id " + key + " PRIMARY KEY, "
                    + "session_id_enc " + value + ", provider VARCHAR(100) NOT NULL, "
                    + "user_id " + key + " NOT NULL, access_token_hash " + key + " NOT NULL UNIQUE, "
                    + "refresh_token_hash " + key + " UNIQUE, access_token " + value + ", "
                    + "refresh_token " + value + ", provider_access_token " + value + ", "
                    + "provider_refresh_token " + value + ", user_info " + user + " NOT NULL, "
                    + "provider_expires_at BIGINT, access_expires_at BIGINT NOT NULL, refresh_expires_at BIGINT, "
                    + "issued_at BIGINT NOT NULL, created_at BIGINT NOT NULL)");
            s.execute("CREATE INDEX " + TABLE + "_user ON " + TABLE + " (user_id)");
            s.execute("CREATE INDEX " + TABLE + "_expiry ON " + TABLE + " (access_expires_at)");
        }
    }

    private static String binaryType(Backend backend, int size) {
        return switch (backend) {
            case SQLITE -> "BLOB";
            case POSTGRES -> "BYTEA";
            default -> "VARBINARY(" + size + ")";
        };
    }

    /** One row's values, ready to bind. */
    record Row(String sessionId, String sessionIdEnc, String provider, String userId, String accessHash,
            String refreshHash, String accessToken, String refreshToken, String providerAccessToken,
            String providerRefreshToken, String userInfo, long providerExpiresAt, long accessExpiresAt,
            long refreshExpiresAt, long issuedAt, long createdAt) {

        /** The same row under a new key and new token hashes (for inserting many distinct rows cheaply). */
        Row withKeys(String key, String newAccessHash, String newRefreshHash) {
            return new Row(key, sessionIdEnc, provider, userId, newAccessHash, newRefreshHash, accessToken, refreshToken,
                    providerAccessToken, providerRefreshToken, userInfo, providerExpiresAt, accessExpiresAt,
                    refreshExpiresAt, issuedAt, createdAt);
        }
    }

    /** The row a backend writing {@code shape} would write for {@code s}. */
    static Row row(StoredSession s, TokenCipher cipher, FormatOneValues formatOne, Shape shape) {
        String user;
        try {
            user = JSON.writeValueAsString(Map.of("provider", s.userInfo().provider(), "userId", s.userId(),
                    "username", s.userInfo().username(), "email", s.userInfo().email(), "name", s.userInfo().name(),
                    "avatarUrl", s.userInfo().avatarUrl(), "rawProfile", s.userInfo().rawProfile(),
                    "scopes", s.userInfo().scopes(), "capabilities", s.userInfo().capabilities()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the user as JSON", e);
        }
        if (shape == Shape.V2) {
            return new Row(s.sessionId(), null, s.provider(), s.userId(), s.accessTokenHash(), s.refreshTokenHash(),
                    formatOne.encrypt(s.accessToken()), formatOne.encrypt(s.refreshToken()), // what version 2 wrote
                    formatOne.encrypt(s.providerAccessToken()), formatOne.encrypt(s.providerRefreshToken()), user,
                    millis(s.providerExpiresAt()), millis(s.accessExpiresAt()), millis(s.refreshExpiresAt()),
                    millis(s.issuedAt()), millis(s.createdAt()));
        }
        String key = TokenHash.sha256Hex(s.sessionId());
        if (shape == Shape.V4) {
            // the layout of tokenstore-jdbc's SessionSecrets: each field as "<length>:<chars>", '-' for null
            StringBuilder secrets = new StringBuilder();
            for (String field : new String[] {s.accessToken(), s.refreshToken(), s.providerAccessToken(),
                    s.providerRefreshToken(), user}) {
                secrets.append(field == null ? "-" : field.length() + ":" + field);
            }
            return new Row(key, cipher.encrypt(s.sessionId(), place("session_id_enc", key)), s.provider(),
                    cipher.keyedHash(s.userId()), s.accessTokenHash(), s.refreshTokenHash(), null, null, null, null,
                    cipher.encrypt(secrets.toString(), place("secrets_enc", key)), millis(s.providerExpiresAt()),
                    millis(s.accessExpiresAt()), millis(s.refreshExpiresAt()), millis(s.issuedAt()),
                    millis(s.createdAt()));
        }
        return new Row(key, cipher.encrypt(s.sessionId(), place("session_id_enc", key)), s.provider(),
                cipher.keyedHash(s.userId()), s.accessTokenHash(), s.refreshTokenHash(),
                cipher.encrypt(s.accessToken(), place("access_token_enc", key)),
                cipher.encrypt(s.refreshToken(), place("refresh_token_enc", key)),
                cipher.encrypt(s.providerAccessToken(), place("provider_access_token_enc", key)),
                cipher.encrypt(s.providerRefreshToken(), place("provider_refresh_token_enc", key)),
                cipher.encrypt(user, place("user_info_enc", key)), millis(s.providerExpiresAt()),
                millis(s.accessExpiresAt()), millis(s.refreshExpiresAt()), millis(s.issuedAt()), millis(s.createdAt()));
    }

    private static TokenCipher.Place place(String column, String key) {
        return new TokenCipher.Place("sessions", column, key);
    }

    private static long millis(Instant t) {
        return t.toEpochMilli();
    }

    static void bind(PreparedStatement ps, Row r, Shape shape) throws SQLException {
        if (shape == Shape.V3_BINARY) {
            ps.setBytes(1, hexBytes(r.sessionId()));
            ps.setBytes(2, cipherBytes(r.sessionIdEnc()));
            ps.setString(3, r.provider());
            ps.setBytes(4, hexBytes(r.userId().substring(r.userId().indexOf(':') + 1)));
            ps.setBytes(5, hexBytes(r.accessHash()));
            ps.setBytes(6, hexBytes(r.refreshHash()));
            ps.setBytes(7, cipherBytes(r.accessToken()));
            ps.setBytes(8, cipherBytes(r.refreshToken()));
            ps.setBytes(9, cipherBytes(r.providerAccessToken()));
            ps.setBytes(10, cipherBytes(r.providerRefreshToken()));
            ps.setBytes(11, cipherBytes(r.userInfo()));
        } else {
            ps.setString(1, r.sessionId());
            ps.setString(2, r.sessionIdEnc());
            ps.setString(3, r.provider());
            ps.setString(4, r.userId());
            ps.setString(5, r.accessHash());
            ps.setString(6, r.refreshHash());
            ps.setString(7, r.accessToken());
            ps.setString(8, r.refreshToken());
            ps.setString(9, r.providerAccessToken());
            ps.setString(10, r.providerRefreshToken());
            ps.setString(11, r.userInfo());
        }
        ps.setLong(12, r.providerExpiresAt());
        ps.setLong(13, r.accessExpiresAt());
        ps.setLong(14, r.refreshExpiresAt());
        ps.setLong(15, r.issuedAt());
        ps.setLong(16, r.createdAt());
    }

    private static byte[] hexBytes(String hex) {
        return hex == null ? null : HexFormat.of().parseHex(hex);
    }

    /** The bytes behind {@code ts2:<keyId>:<base64url>} (the key id would be a column of its own). */
    private static byte[] cipherBytes(String stored) {
        return stored == null ? null
                : Base64.getUrlDecoder().decode(stored.substring(stored.indexOf(':', stored.indexOf(':') + 1) + 1));
    }

    /** Updates the planner's statistics after a preload, as autovacuum or a DBA would. */
    static void analyze(Connection c, Backend backend) throws SQLException {
        if (backend == Backend.HSQLDB) {
            return; // HSQLDB keeps no planner statistics to update
        }
        try (Statement s = c.createStatement()) {
            s.execute((backend == Backend.H2 ? "ANALYZE TABLE " : "ANALYZE ") + TABLE);
        }
    }

    /** Inserts the rows in one transaction with {@code executeBatch}. */
    static void insertBatch(Connection c, PreparedStatement insert, List<Row> rows, Shape shape) throws SQLException {
        c.setAutoCommit(false);
        try {
            for (Row r : rows) {
                bind(insert, r, shape);
                insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Selects the live row by access-token hash and reads every column; null if none. */
    static Object select(PreparedStatement select, String accessHash, long nowMillis, Shape shape)
            throws SQLException {
        boolean binary = shape == Shape.V3_BINARY;
        if (binary) {
            select.setBytes(1, hexBytes(accessHash));
        } else {
            select.setString(1, accessHash);
        }
        select.setLong(2, nowMillis);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Object id = binary ? rs.getBytes(1) : rs.getString(1);
            for (int i = 2; i <= 11; i++) {
                if (binary && i != 3) {
                    rs.getBytes(i);
                } else {
                    rs.getString(i);
                }
            }
            for (int i = 12; i <= 16; i++) {
                rs.getLong(i);
            }
            return id;
        }
    }
}

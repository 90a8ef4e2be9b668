package dev.tokenstore.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The hand-written JDBC floor: a session table shaped like a backend's (id, token hashes, the
 * encrypted tokens, the user as JSON, expiry times, the same indexes) and plain prepared
 * statements over it. Rows carry real AES-GCM ciphertexts and JSON, made once when the row is
 * built; the statements themselves do no hashing, encryption or mapping — that is the floor.
 */
final class FloorTable {
    static final String TABLE = "floor_sessions";
    private static final String COLUMNS = "session_id, provider, user_id, access_token_hash, refresh_token_hash, "
            + "access_token, refresh_token, provider_access_token, provider_refresh_token, user_info, "
            + "provider_expires_at, access_expires_at, refresh_expires_at, issued_at, created_at";
    static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE access_token_hash = ? AND access_expires_at > ?";

    private static final ObjectMapper JSON = new ObjectMapper();

    private FloorTable() {
    }

    /** Creates the table and its indexes. */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (session_id VARCHAR(200) PRIMARY KEY, provider VARCHAR(100) NOT NULL, "
                    + "user_id VARCHAR(200) NOT NULL, access_token_hash VARCHAR(64) NOT NULL UNIQUE, "
                    + "refresh_token_hash VARCHAR(64) UNIQUE, access_token VARCHAR(1000) NOT NULL, "
                    + "refresh_token VARCHAR(1000), provider_access_token VARCHAR(1000), "
                    + "provider_refresh_token VARCHAR(1000), user_info VARCHAR(8000) NOT NULL, "
                    + "provider_expires_at BIGINT, access_expires_at BIGINT NOT NULL, refresh_expires_at BIGINT, "
                    + "issued_at BIGINT NOT NULL, created_at BIGINT NOT NULL)");
            s.execute("CREATE INDEX " + TABLE + "_user ON " + TABLE + " (user_id)");
            s.execute("CREATE INDEX " + TABLE + "_expiry ON " + TABLE + " (access_expires_at)");
        }
    }

    /** One row's values, ready to bind. */
    record Row(String sessionId, String provider, String userId, String accessHash, String refreshHash,
            String accessToken, String refreshToken, String providerAccessToken, String providerRefreshToken,
            String userInfo, long providerExpiresAt, long accessExpiresAt, long refreshExpiresAt, long issuedAt,
            long createdAt) {

        /** The same row under a new id and new token hashes (for inserting many distinct rows cheaply). */
        Row withKeys(String id, String newAccessHash, String newRefreshHash) {
            return new Row(id, provider, userId, newAccessHash, newRefreshHash, accessToken, refreshToken,
                    providerAccessToken, providerRefreshToken, userInfo, providerExpiresAt, accessExpiresAt,
                    refreshExpiresAt, issuedAt, createdAt);
        }
    }

    /** The row a backend would write for {@code s}: hashed keys, encrypted tokens, user as JSON. */
    static Row row(StoredSession s, TokenCipher cipher) {
        String user;
        try {
            user = JSON.writeValueAsString(Map.of("provider", s.userInfo().provider(), "userId", s.userId(),
                    "username", s.userInfo().username(), "email", s.userInfo().email(), "name", s.userInfo().name(),
                    "avatarUrl", s.userInfo().avatarUrl(), "rawProfile", s.userInfo().rawProfile(),
                    "scopes", s.userInfo().scopes(), "capabilities", s.userInfo().capabilities()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the user as JSON", e);
        }
        return new Row(s.sessionId(), s.provider(), s.userId(), s.accessTokenHash(), s.refreshTokenHash(),
                cipher.encrypt(s.accessToken()), cipher.encrypt(s.refreshToken()), cipher.encrypt(s.providerAccessToken()),
                cipher.encrypt(s.providerRefreshToken()), user, millis(s.providerExpiresAt()),
                millis(s.accessExpiresAt()), millis(s.refreshExpiresAt()), millis(s.issuedAt()), millis(s.createdAt()));
    }

    private static long millis(Instant t) {
        return t.toEpochMilli();
    }

    static void bind(PreparedStatement ps, Row r) throws SQLException {
        ps.setString(1, r.sessionId());
        ps.setString(2, r.provider());
        ps.setString(3, r.userId());
        ps.setString(4, r.accessHash());
        ps.setString(5, r.refreshHash());
        ps.setString(6, r.accessToken());
        ps.setString(7, r.refreshToken());
        ps.setString(8, r.providerAccessToken());
        ps.setString(9, r.providerRefreshToken());
        ps.setString(10, r.userInfo());
        ps.setLong(11, r.providerExpiresAt());
        ps.setLong(12, r.accessExpiresAt());
        ps.setLong(13, r.refreshExpiresAt());
        ps.setLong(14, r.issuedAt());
        ps.setLong(15, r.createdAt());
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
    static void insertBatch(Connection c, PreparedStatement insert, List<Row> rows) throws SQLException {
        c.setAutoCommit(false);
        try {
            for (Row r : rows) {
                bind(insert, r);
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
    static String select(PreparedStatement select, String accessHash, long nowMillis) throws SQLException {
        select.setString(1, accessHash);
        select.setLong(2, nowMillis);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            String id = rs.getString(1);
            for (int i = 2; i <= 10; i++) {
                rs.getString(i);
            }
            for (int i = 11; i <= 15; i++) {
                rs.getLong(i);
            }
            return id;
        }
    }
}

package dev.tokenstore.jdbc;

import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The check value of every key id, kept in {@code <prefix>key_checks}: at open each key of the
 * ring is compared with the value recorded for its id (constant time), and ids seen for the first
 * time are recorded. A key that does not match fails the open, naming the key id (never key
 * material). A store without keys refuses a database that has recorded some.
 *
 * <p>Recording is a plain insert, so of several stores opening a new database at once with
 * different keys under one id exactly one records its value: the others' inserts fail on the key,
 * and their second check (in a new transaction) compares against the winner's value and fails
 * naming the id ({@link #checkAtOpen}).
 */
final class KeyChecks {
    /** The schema version that created {@code key_checks}. */
    static final int SINCE_VERSION = 3;

    private final Statements sql;
    private final TokenCipher cipher;
    private final Clock clock;
    private final String storeName;
    private final SqlDialect dialect;

    KeyChecks(Statements sql, SqlDialect dialect, TokenCipher cipher, Clock clock, String storeName) {
        this.sql = sql;
        this.dialect = dialect;
        this.cipher = cipher;
        this.clock = clock;
        this.storeName = storeName;
    }

    /**
     * Runs {@link #check} in a write transaction of {@code runner}; if another store recorded a value
     * for one of our ids between our read and our insert, checks once more against what it recorded.
     */
    void checkAtOpen(Runner runner) {
        try {
            runner.write("check encryption keys", this::check);
        } catch (RecordedMeanwhile raced) {
            runner.write("check encryption keys", this::check);
        }
    }

    /** Another store recorded a check value for the same key id first; the transaction is rolled back. */
    static final class RecordedMeanwhile extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecordedMeanwhile(SQLException cause) {
            super("another store recorded a key check value for the same key id first", cause, false, false);
        }
    }

    Void check(Tx tx) throws SQLException {
        Map<String, String> recorded = new LinkedHashMap<>();
        try (Tx.Prepared p = tx.prepare(sql.selectKeyChecks); ResultSet rs = p.ps().executeQuery()) {
            while (rs.next()) {
                recorded.put(rs.getString(1), rs.getString(2));
            }
        }
        if (!cipher.encrypts()) {
            if (!recorded.isEmpty()) {
                throw new TokenStoreException(storeName + ": this database holds values encrypted under key ids "
                        + recorded.keySet() + " but the store was opened without encryption keys");
            }
            return null;
        }
        for (String keyId : cipher.keyIds()) {
            String expected = cipher.checkValue(keyId);
            String found = recorded.get(keyId);
            if (found == null) {
                try (Tx.Prepared p = tx.prepare(sql.insertKeyCheck)) {
                    PreparedStatement ps = p.ps();
                    ps.setString(1, keyId);
                    ps.setString(2, expected);
                    ps.setLong(3, clock.millis());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (dialect.isUniqueViolation(e)) {
                        throw new RecordedMeanwhile(e);
                    }
                    throw e;
                }
            } else if (!MessageDigest.isEqual(found.getBytes(StandardCharsets.US_ASCII),
                    expected.getBytes(StandardCharsets.US_ASCII))) {
                throw new TokenStoreException(storeName + ": the encryption key given for key id '" + keyId
                        + "' is not the one this database was written with under that id (its key check value "
                        + "differs); configure the right key for '" + keyId + "'");
            }
        }
        return null;
    }
}

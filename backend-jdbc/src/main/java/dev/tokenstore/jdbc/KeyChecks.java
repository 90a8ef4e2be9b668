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
 */
final class KeyChecks {
    /** The schema version that created {@code key_checks}. */
    static final int SINCE_VERSION = 3;

    private final Statements sql;
    private final TokenCipher cipher;
    private final Clock clock;
    private final String storeName;

    KeyChecks(Statements sql, TokenCipher cipher, Clock clock, String storeName) {
        this.sql = sql;
        this.cipher = cipher;
        this.clock = clock;
        this.storeName = storeName;
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

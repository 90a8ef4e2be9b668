package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.TokenStoreException;
import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SqlRedactionTest {
    private static final SqlDialect DIALECT = () -> "test";

    @Test
    @DisplayName("quoted literals are replaced, escaped quotes included; an unclosed quote drops the rest; only the first line is kept")
    void withoutLiterals() {
        assertEquals("Value too long for column \"USER_ID VARCHAR(64)\": \"'?' (100)\"",
                SqlErrors.withoutLiterals("Value too long for column \"USER_ID VARCHAR(64)\": \"'sec''ret' (100)\""));
        assertEquals("VALUES ('?', '?')", SqlErrors.withoutLiterals("VALUES ('a', 'b')"));
        assertEquals("truncated '?", SqlErrors.withoutLiterals("truncated 'secret-value..."));
        assertEquals("ERROR: duplicate key value", SqlErrors.withoutLiterals(
                "ERROR: duplicate key value\n  Detail: Key (user_id)=(secret) already exists."));
    }

    @Test
    @DisplayName("a redacted chain keeps SQLState, vendor code and shape, and loses every value")
    void redactChain() {
        SQLException next = new SQLException("Batch entry 0 VALUES ('secret-1') was aborted", "22001", 7);
        BatchUpdateException batch = new BatchUpdateException("batch failed: 'secret-2'", "22001", 7, new int[0],
                new IOException("io 'secret-3'"));
        batch.setNextException(next);
        SQLException copy = SqlRedaction.redact(batch, DIALECT);
        StringBuilder all = new StringBuilder();
        for (Throwable t = copy; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        all.append(copy.getNextException());
        assertFalse(all.toString().contains("secret"), all.toString());
        assertEquals("22001", copy.getSQLState());
        assertEquals(7, copy.getErrorCode());
        assertTrue(copy.toString().startsWith(BatchUpdateException.class.getName()), copy.toString());
        assertEquals("22001", copy.getNextException().getSQLState());
        assertTrue(copy.getCause().toString().startsWith(IOException.class.getName()), copy.getCause().toString());
    }

    @Test
    @DisplayName("failures are classified by SQLState and the message holds no value")
    void failuresClassifiedAndClean() {
        Failures failures = new Failures("tokenstore test db", DIALECT);
        TokenStoreException refused = failures.wrap("storeSession",
                new SQLException("Value too long: 'secret'", "22001", 22001));
        assertEquals(TokenStoreException.Kind.REFUSED, refused.kind());
        assertEquals("22001", refused.sqlState());
        assertEquals(22001, refused.vendorCode());
        assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        assertInstanceOf(SQLException.class, refused.getCause());
        assertEquals(TokenStoreException.Kind.TRANSIENT,
                failures.wrap("read", new SQLException("gone", "08006")).kind());
        assertEquals(TokenStoreException.Kind.TRANSIENT,
                failures.wrap("write", new SQLException("deadlock", "40P01")).kind());
        assertEquals(TokenStoreException.Kind.REFUSED,
                failures.wrap("write", new SQLException("dup", "23505")).kind());
        assertEquals(TokenStoreException.Kind.UNCLASSIFIED,
                failures.wrap("write", new SQLException("odd", "XX000")).kind());
        TokenStoreException wrapped = new TokenStoreException("outer", refused);
        assertEquals(TokenStoreException.Kind.REFUSED, wrapped.kind(), "a wrapper keeps the kind");
    }
}

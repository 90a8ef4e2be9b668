package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlDialectDefaultsTest {
    private final SqlDialect standard = () -> "standard";

    @Test
    void statementShapes() {
        assertEquals("INSERT INTO t (k, a, b) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET a = excluded.a, "
                + "b = excluded.b", standard.upsertSql("t", List.of("k", "a", "b"), List.of("k")));
        assertEquals(standard.upsertSql("t", List.of("k", "a", "b"), List.of("k")), standard.typedUpsertSql("t",
                List.of(new Column("k", Types.VARCHAR), new Column("a", Types.BIGINT), new Column("b", Types.VARCHAR)),
                List.of("k")), "the typed hook defaults to the untyped one");
        assertEquals("DELETE FROM t WHERE k IN (SELECT k FROM t WHERE e <= ? LIMIT ?)",
                standard.deleteChunkSql("t", "k", "e <= ?"));
        assertFalse(standard.supportsDeleteReturning());
        assertEquals(500, standard.maxInListSize());
    }

    @Test
    void errorsAreClassifiedBySqlStateThroughCausesAndNextExceptions() {
        SQLException unique = new SQLException("duplicate key value violates unique constraint", "23505");
        BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", new int[0]);
        batch.setNextException(unique);
        assertTrue(standard.isUniqueViolation(batch));
        assertTrue(standard.isUniqueViolation(new SQLException("wrapped", new RuntimeException(unique))));
        assertFalse(standard.isUniqueViolation(new SQLException("not null violated", "23502")));
        assertTrue(standard.isUniqueViolation(new SQLException("Unique index violated", "23000")));

        assertTrue(standard.isRetryable(new SQLException("could not serialize", "40001")));
        assertTrue(standard.isRetryable(new SQLException("deadlock detected", "40P01")));
        assertFalse(standard.isRetryable(unique));
        assertTrue(standard.isConnectionLost(new SQLException("I/O error", "08006")));
        assertFalse(standard.isConnectionLost(unique));

        SQLException loop = new SQLException("a");
        SQLException other = new SQLException("b", loop);
        loop.setNextException(other);
        assertEquals(2, SqlErrors.chain(loop).size(), "cycles end");
    }
}

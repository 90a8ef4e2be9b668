package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * What every part of the SQL store shares: how it runs work ({@link Runner}: pooled, or bound to
 * an {@code inTransaction} call), its statements, dialect, row codec, clock and change publisher,
 * and the few statement helpers they all use. Rows are built (hashed, encrypted, JSON-encoded)
 * before a transaction starts, so transactions stay short.
 */
abstract class SqlPart {
    /** The key column of the sessions and revoked-sessions tables. */
    static final List<String> SESSION_KEY = List.of("session_hash");

    final Runner runner;
    final Statements sql;
    final SqlDialect dialect;
    final Rows rows;
    final Clock clock;
    final ChangePublisher changes;

    SqlPart(SqlContext context) {
        this.runner = context.runner();
        this.sql = context.sql();
        this.dialect = context.dialect();
        this.rows = context.rows();
        this.clock = context.clock();
        this.changes = context.changes();
    }

    /** Publishes {@code change} when the write touched a row; returns the row count. */
    int published(Tx tx, int count, ChangeEvent.Builder change) throws SQLException {
        if (count > 0) {
            changes.publish(tx, change.build());
        }
        return count;
    }

    /**
     * True for a key no record can hold (records refuse NUL): lookups answer "not found" without
     * asking the database, which may not even take it as a parameter (PostgreSQL).
     */
    static boolean impossibleKey(String key) {
        return key.indexOf('\u0000') >= 0;
    }

    int update(Tx tx, String statement, List<Column> columns, Object[] row) throws SQLException {
        try (Tx.Prepared p = tx.prepare(statement)) {
            PreparedStatement ps = p.ps();
            for (int i = 0; i < columns.size(); i++) {
                dialect.bind(ps, i + 1, row[i], columns.get(i).sqlType());
            }
            return ps.executeUpdate();
        }
    }

    static int update(Tx tx, String statement, String key) throws SQLException {
        try (Tx.Prepared p = tx.prepare(statement)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, key);
            return ps.executeUpdate();
        }
    }

    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}

package dev.tokenstore.jdbc;

import java.time.Clock;

/** The shared wiring of the SQL store's parts ({@link SqlPart}); {@link #withRunner} rebinds it to a transaction. */
record SqlContext(Runner runner, Statements sql, SqlDialect dialect, Rows rows, Clock clock, ChangePublisher changes) {

    SqlContext withRunner(Runner other) {
        return new SqlContext(other, sql, dialect, rows, clock, changes);
    }
}

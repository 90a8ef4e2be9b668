package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One version of the schema's history as one unit: the DDL that takes the schema from the version
 * before to {@link #version()}, the data steps around it, and a check before anything changes.
 * {@link Migrator} runs the steps after the database's version in order, from one table.
 *
 * <p>Every part must be safe to run again: some databases (H2, HSQLDB) commit before each DDL
 * statement, so a step cut short can leave part of it committed and its version unrecorded, and
 * the next open runs the whole step again ({@code IF NOT EXISTS}, guarded inserts, and data steps
 * that read what is done from the tables themselves).
 */
abstract class SchemaStep {
    final Schema schema;
    final SqlDialect dialect;
    private final int version;

    SchemaStep(int version, Schema schema, SqlDialect dialect) {
        this.version = version;
        this.schema = schema;
        this.dialect = dialect;
    }

    /** The version this step takes the schema to. */
    final int version() {
        return version;
    }

    /**
     * Checks run before the first DDL of a migration that includes this step, on a database that
     * already has data of an earlier version (for example that the keys decrypt what it holds).
     */
    void checkBeforeMigrating(Connection c) throws SQLException {
    }

    /** Before the DDL: sets aside the tables this step replaces. */
    void before(Connection c) throws SQLException {
    }

    /** The DDL statements of this step, in order. */
    abstract List<String> ddl();

    /** After the DDL: copies and converts the rows of the tables set aside, then drops them. */
    void after(Connection c) throws SQLException {
    }
}

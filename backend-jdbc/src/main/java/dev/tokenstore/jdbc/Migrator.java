package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to {@link Schema#CURRENT_VERSION}: reads the highest version in
 * {@code <prefix>schema_version} (none, or an empty table, is version 0); creates a fresh database
 * at the current version directly ({@link Schema#baseline}), or applies every later step to an
 * earlier one, all in one write transaction so two processes opening a new database at once do not
 * both migrate. A database newer than this code is refused.
 */
final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final Schema schema;
    private final SqlDialect dialect;
    private final Clock clock;
    private final String storeName;
    private final List<SchemaStep> steps;

    Migrator(Schema schema, SqlDialect dialect, Clock clock, String storeName, Rows rows) {
        this.schema = schema;
        this.dialect = dialect;
        this.clock = clock;
        this.storeName = storeName;
        this.steps = steps(schema, dialect, rows, storeName);
    }

    /** Every step of the schema's history, in order: the one table migrations are dispatched from. */
    static List<SchemaStep> steps(Schema schema, SqlDialect dialect, Rows rows, String storeName) {
        List<SchemaStep> steps = List.of(new SchemaVersion1(schema, dialect), new SchemaVersion2(schema, dialect),
                new SchemaVersion3(schema, dialect, rows, storeName), new SchemaVersion4(schema, dialect, rows),
                new SchemaVersion5(schema, dialect));
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).version() != i + 1) {
                throw new IllegalStateException("schema step " + (i + 1) + " is for version " + steps.get(i).version());
            }
        }
        if (steps.size() != Schema.CURRENT_VERSION) {
            throw new IllegalStateException("schema steps end at " + steps.size() + ", not " + Schema.CURRENT_VERSION);
        }
        return steps;
    }

    /** The version found with a plain read, or -1 if there is no version table yet. */
    int peekVersion(Connection c) {
        try {
            return readVersion(c);
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * Migrates inside the caller's write transaction; returns the version the database had.
     * {@code peeked} is what {@link #peekVersion} found before: -1 (no version table at all) means
     * no earlier release ever started on this database.
     */
    int migrate(Connection c, int peeked) throws SQLException {
        dialect.lockForMigration(c);
        SqlDialect.execute(c, schema.createVersionTable(dialect));
        int found = readVersion(c);
        refuseNewer(found);
        if (found == 0 && (peeked < 0 || !holdsTablesOfAnEarlierRelease(c))) {
            createAtCurrentVersion(c);
            return found;
        }
        List<SchemaStep> pending = steps.subList(Math.max(found, 0), steps.size());
        if (found >= 1) {
            // before any DDL: some engines (H2, HSQLDB) commit at each DDL statement
            for (SchemaStep step : pending) {
                step.checkBeforeMigrating(c);
            }
        }
        for (SchemaStep step : pending) {
            step.before(c);
            for (String statement : step.ddl()) {
                SqlDialect.execute(c, statement);
            }
            step.after(c);
            recordVersion(c, step.version());
        }
        if (found < Schema.CURRENT_VERSION) {
            LOG.info("{}: schema migrated from version {} to {}", storeName, found, Schema.CURRENT_VERSION);
        }
        return found;
    }

    /**
     * A fresh database: every table at the current version at once (the baseline), the change-log
     * counter's row, and last its version row.
     */
    private void createAtCurrentVersion(Connection c) throws SQLException {
        for (String statement : schema.baseline(dialect)) {
            SqlDialect.execute(c, statement);
        }
        addChangeCounterRow(c);
        recordVersion(c, Schema.CURRENT_VERSION); // last: a database with its version row is complete
        LOG.info("{}: schema created at version {}", storeName, Schema.CURRENT_VERSION);
    }

    /**
     * True if a database without a version row still holds a sessions table of version 1 or 2: an
     * earlier release's first migration cut short where DDL commits on its own (H2, HSQLDB). It is
     * migrated step by step from version 1, not given the baseline (whose {@code IF NOT EXISTS}
     * would keep the old table).
     */
    private boolean holdsTablesOfAnEarlierRelease(Connection c) throws SQLException {
        return TableCopy.hasColumn(c, schema.sessions, "session_id");
    }

    private void addChangeCounterRow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + schema.changeSeq + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getInt(1) > 0) {
                return; // a baseline cut short after this row
            }
        }
        SqlDialect.execute(c, "INSERT INTO " + schema.changeSeq + " (id, seq) VALUES (1, 0)");
    }

    private void recordVersion(Connection c, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.version
                + " (version, applied_at) VALUES (?, ?)")) {
            ps.setInt(1, version);
            ps.setLong(2, clock.millis());
            ps.executeUpdate();
        }
    }

    void refuseNewer(int found) {
        if (found > Schema.CURRENT_VERSION) {
            throw new TokenStoreException(storeName + ": the database has schema version " + found
                    + " but this tokenstore knows only up to " + Schema.CURRENT_VERSION
                    + "; upgrade tokenstore (a newer version wrote this database)");
        }
    }

    private int readVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM " + schema.version);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}

package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to {@link Schema#CURRENT_VERSION}: reads the highest version in
 * {@code <prefix>schema_version} (none, or an empty table, is version 0) and applies every later
 * step, all in one write transaction so two processes opening a new database at once do not
 * both migrate. A database newer than this code is refused.
 */
final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final Schema schema;
    private final SqlDialect dialect;
    private final Clock clock;
    private final String storeName;
    private final VersionThree versionThree;
    private final VersionFour versionFour;

    Migrator(Schema schema, SqlDialect dialect, Clock clock, String storeName, Rows rows) {
        this.schema = schema;
        this.dialect = dialect;
        this.clock = clock;
        this.storeName = storeName;
        this.versionThree = new VersionThree(schema, dialect, rows, storeName);
        this.versionFour = new VersionFour(schema, dialect, rows);
    }

    /** The version found with a plain read, or -1 if there is no version table yet. */
    int peekVersion(Connection c) {
        try {
            return readVersion(c);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Migrates inside the caller's write transaction; returns the version the database had. */
    int migrate(Connection c) throws SQLException {
        dialect.lockForMigration(c);
        SqlDialect.execute(c, schema.createVersionTable(dialect));
        int found = readVersion(c);
        refuseNewer(found);
        if (found >= 1 && found < 3) {
            versionThree.verifyKeys(c); // before any DDL: some engines (H2) commit at each DDL statement
        }
        for (int next = found + 1; next <= Schema.CURRENT_VERSION; next++) {
            if (next == 3) {
                versionThree.setAside(c);
            } else if (next == 4) {
                versionFour.setAside(c);
            }
            for (String statement : schema.migrationTo(next, dialect)) {
                SqlDialect.execute(c, statement);
            }
            if (next == 3) {
                versionThree.copy(c);
            } else if (next == 4) {
                versionFour.copy(c);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.version
                    + " (version, applied_at) VALUES (?, ?)")) {
                ps.setInt(1, next);
                ps.setLong(2, clock.millis());
                ps.executeUpdate();
            }
        }
        if (found < Schema.CURRENT_VERSION) {
            LOG.info("{}: schema migrated from version {} to {}", storeName, found, Schema.CURRENT_VERSION);
        }
        return found;
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

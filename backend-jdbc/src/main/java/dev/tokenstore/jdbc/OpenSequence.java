package dev.tokenstore.jdbc;

import java.sql.SQLException;
import java.time.Clock;

/**
 * What opening a store does to its database, in order: the dialect prepares it; a database newer
 * than this code is refused; the keys are checked against the values they wrote (before any
 * migration converts values, so a wrong key fails naming its id with nothing changed); the schema
 * is created or migrated to the current version; and the keys are checked again (recording the
 * check values of new key ids).
 */
final class OpenSequence {
    private OpenSequence() {
    }

    static void run(ConnectionSource source, PooledRunner runner, Failures failures, Statements statements,
                    SqlDialect dialect, Rows rows, Clock clock, String storeName) {
        try (ConnectionSource.Lease lease = source.write()) {
            dialect.prepareDatabase(lease.connection());
        } catch (SQLException e) {
            throw failures.wrap("open", e);
        }
        Migrator migrator = new Migrator(statements.schema, dialect, clock, storeName, rows);
        int found = runner.read("open", tx -> migrator.peekVersion(tx.connection()));
        migrator.refuseNewer(found);
        KeyChecks keyChecks = new KeyChecks(statements, dialect, rows.cipher(), clock, storeName);
        if (found < Schema.CURRENT_VERSION) {
            if (found >= KeyChecks.SINCE_VERSION) {
                keyChecks.checkAtOpen(runner);
            }
            runner.write("migrate schema", tx -> migrator.migrate(tx.connection(), found));
        }
        keyChecks.checkAtOpen(runner);
    }
}

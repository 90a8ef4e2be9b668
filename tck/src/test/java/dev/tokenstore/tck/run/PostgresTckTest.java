package dev.tokenstore.tck.run;

import dev.tokenstore.tck.DatabaseUnavailableKit;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * Every kit, raw and wrapped, over the postgres backend; plus the "database unavailable" group,
 * which only a server can run: it stops and restarts a PostgreSQL of its own under open stores.
 * The embedded backends (SQLite, H2) have no server to stop, so they do not run that group rather
 * than report its outage tests as skipped (a database backend may skip nothing, see SkipPolicy).
 */
@DisplayName("postgres")
class PostgresTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return new PostgresStorage();
    }

    @Nested
    @DisplayName("database unavailable")
    class Unavailable extends DatabaseUnavailableKit {
        @Override
        protected TestStorage newStorage() {
            return PostgresStorage.restartable();
        }
    }
}

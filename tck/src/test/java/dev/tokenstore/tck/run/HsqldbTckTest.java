package dev.tokenstore.tck.run;

import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/**
 * Every kit, raw and wrapped, over the hsqldb backend: a fresh file database per test
 * ({@code shutdown=true}, so the kit's own JDBC connections do not keep it open; no lock file, which
 * costs a tenth of a second per close and guards only against other processes). Like SQLite and
 * H2 it has no server to stop, so it does not run the "database unavailable" group.
 */
@DisplayName("hsqldb")
class HsqldbTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return newStorage();
    }

    static JdbcTestStorage newStorage() {
        return JdbcTestStorage.inTempDirectory(dir -> "jdbc:hsqldb:file:" + dir.resolve("tokens")
                + ";shutdown=true;hsqldb.lock_file=false");
    }
}

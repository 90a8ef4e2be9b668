package dev.tokenstore.tck.run;

import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** Every kit, raw and wrapped, over the sqlite backend: a fresh database file per test. */
@DisplayName("sqlite")
class SqliteTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return newStorage();
    }

    static JdbcTestStorage newStorage() {
        return JdbcTestStorage.inTempDirectory(dir -> "jdbc:sqlite:" + dir.resolve("tokens.db"));
    }
}

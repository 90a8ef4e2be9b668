package dev.tokenstore.tck.run;

import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** Every kit, raw and wrapped, over the h2 backend: a fresh file database per test. */
@DisplayName("h2")
class H2TckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return newStorage();
    }

    static JdbcTestStorage newStorage() {
        return JdbcTestStorage.inTempDirectory(dir -> "jdbc:h2:file:" + dir.resolve("tokens"));
    }
}

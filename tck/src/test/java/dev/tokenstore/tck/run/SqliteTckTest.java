package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** Every kit, raw and wrapped, over the sqlite backend. */
@DisplayName("sqlite")
class SqliteTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return new SqliteStorage();
    }
}

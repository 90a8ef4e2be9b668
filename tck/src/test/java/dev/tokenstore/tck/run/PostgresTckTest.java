package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** Every kit, raw and wrapped, over the postgres backend. */
@DisplayName("postgres")
class PostgresTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return new PostgresStorage();
    }

    @Override
    TestStorage stoppableStorage() {
        return PostgresStorage.restartable();
    }
}

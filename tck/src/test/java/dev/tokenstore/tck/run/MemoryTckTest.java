package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** Every kit, raw and wrapped, over the memory backend. */
@DisplayName("memory")
class MemoryTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return new MemoryStorage();
    }
}

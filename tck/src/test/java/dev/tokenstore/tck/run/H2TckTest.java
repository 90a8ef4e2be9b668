package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/** Every kit, raw and wrapped, over the h2 backend. */
@DisplayName("h2")
class H2TckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return new H2Storage();
    }
}

package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

@DisplayName("memory")
class MemoryTckTest {
    @Nested
    @DisplayName("raw")
    class Raw extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return new MemoryStorage();
        }
    }
}

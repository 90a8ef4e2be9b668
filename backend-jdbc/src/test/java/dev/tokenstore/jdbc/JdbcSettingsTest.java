package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.TokenStoreOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcSettingsTest {

    @Test
    void defaults() {
        JdbcSettings s = JdbcSettings.from(TokenStoreOptions.builder().build());
        assertEquals("tokenstore_", s.tablePrefix);
        assertEquals(5_000, s.cleanupChunkSize);
        assertEquals(3, s.maxRetries);
        assertEquals(false, s.refuseUnboundValues, "format-1 values stay readable unless refused");
    }

    @Test
    void unboundValuesAreAcceptedOrRefused() {
        assertTrue(JdbcSettings.from(TokenStoreOptions.builder().property("jdbc.unboundValues", "refuse").build())
                .refuseUnboundValues);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JdbcSettings.from(
                TokenStoreOptions.builder().property("jdbc.unboundValues", "never").build()));
        assertTrue(e.getMessage().contains("jdbc.unboundValues") && e.getMessage().contains("'never'"),
                e.getMessage());
    }

    @Test
    void validValuesAreTaken() {
        JdbcSettings s = JdbcSettings.from(TokenStoreOptions.builder().property("jdbc.tablePrefix", "My_App2_")
                .property("jdbc.cleanupChunkSize", "17").property("jdbc.maxRetries", "0").build());
        assertEquals("my_app2_", s.tablePrefix, "lower-cased, as unquoted SQL identifiers are");
        assertEquals(17, s.cleanupChunkSize);
        assertEquals(0, s.maxRetries);
        assertEquals("", JdbcSettings.from(TokenStoreOptions.builder().property("jdbc.tablePrefix", "").build())
                .tablePrefix);
    }

    @Test
    void everythingThatCouldInjectSqlIsRefused() {
        for (String bad : List.of("a b", "t;", "x'--", "ä", "a.b", "\"q\"", "9lives", "a".repeat(41))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JdbcSettings.from(TokenStoreOptions.builder().property("jdbc.tablePrefix", bad).build()));
            assertTrue(e.getMessage().contains("jdbc.tablePrefix"), e.getMessage());
        }
    }

    @Test
    void badNumbersNameTheProperty() {
        for (String[] bad : new String[][] {{"jdbc.cleanupChunkSize", "0"}, {"jdbc.cleanupChunkSize", "many"},
                {"jdbc.maxRetries", "-1"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JdbcSettings.from(TokenStoreOptions.builder().property(bad[0], bad[1]).build()));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }
}

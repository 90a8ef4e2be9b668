package dev.tokenstore.jmh;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void embeddedServerSyncsCommitsAndAServerThatDoesNotIsRefused() throws Exception {
        try (EmbeddedPostgres pg = PostgresServer.startEmbedded()) {
            PostgresServer server = PostgresServer.at(PostgresServer.embeddedUrl(pg), "postgres", null);
            assertDoesNotThrow(server::verifyDurable);

            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                // what a tuned-for-speed server (or role) does; new sessions then commit without waiting for the disk
                s.execute("ALTER ROLE postgres SET synchronous_commit = off");
            }
            IllegalStateException refused = assertThrows(IllegalStateException.class, server::verifyDurable);
            assertTrue(refused.getMessage().contains("synchronous_commit is 'off'"), refused.getMessage());
        }
    }
}

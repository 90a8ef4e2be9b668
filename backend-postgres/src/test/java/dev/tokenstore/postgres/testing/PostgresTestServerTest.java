package dev.tokenstore.postgres.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresTestServerTest {

    @Test
    void sharedServerIsStartedOnceAndHandsOutFreshSchemas() throws SQLException {
        PostgresTestServer server = PostgresTestServer.shared();
        assertTrue(server == PostgresTestServer.shared(), "one server per JVM");
        TestSchema a = server.createSchema();
        try (TestSchema b = server.createSchema()) {
            assertFalse(a.name().equals(b.name()));
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + a.name() + ".t (x int)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                        + b.name() + "'")) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "a new schema is empty");
                }
            }
            a.close(); // dropping is what is tested here
            try (Connection c = server.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '"
                            + a.name() + "'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "closing drops the schema");
            }
        } finally {
            a.close();
        }
    }

    @Test
    void embeddedServerRestartsOnSamePortAndDataDirectoryWithItsData() throws SQLException {
        assumeFalse(PostgresTestServer.usesExternalServer(), PostgresTestServer.EXTERNAL_NO_RESTART);
        try (PostgresTestServer server = PostgresTestServer.startEmbedded(PostgresTestServer.DURABLE)) {
            server.requireDurable();
            int port = server.port();
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (x int)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
            server.stop();
            assertFalse(server.isRunning());
            assertThrows(SQLException.class, () -> server.connect().close());
            server.start();
            assertEquals(port, server.port());
            try (Connection c = server.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT x FROM kept")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
            assertEquals(Map.of("fsync", "on", "synchronous_commit", "on"),
                    Map.of("fsync", server.show("fsync"), "synchronous_commit", server.show("synchronous_commit")));
        }
    }
}

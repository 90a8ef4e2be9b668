package dev.tokenstore.postgres.testing;

import dev.tokenstore.TokenStoreOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, empty schema on a {@link PostgresTestServer}, made for one test class (or test) and
 * dropped with everything in it on {@link #close()}. {@link #configure} points store options at
 * it through the {@code postgres.schema} property.
 */
public final class TestSchema implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final PostgresTestServer server;
    private final String name;
    private boolean dropped;

    private TestSchema(PostgresTestServer server, String name) {
        this.server = server;
        this.name = name;
    }

    static TestSchema create(PostgresTestServer server) {
        String name = ("ts_test_" + COUNTER.incrementAndGet() + "_"
                + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        // The name is made here from digits, letters and '_', so it is safe to put in DDL.
        execute(server, "CREATE SCHEMA " + name);
        return new TestSchema(server, name);
    }

    /** The schema's name (lower case, a plain identifier). */
    public String name() {
        return name;
    }

    /** The server the schema lives on. */
    public PostgresTestServer server() {
        return server;
    }

    /** Sets URL, user, password and {@code postgres.schema} on {@code builder}; keeps everything else. */
    public TokenStoreOptions.Builder configure(TokenStoreOptions.Builder builder) {
        return builder.url(server.jdbcUrl()).user(server.user()).password(server.password())
                .property("postgres.schema", name);
    }

    /** Drops the schema and everything in it. */
    @Override
    public synchronized void close() {
        if (!dropped) {
            dropped = true;
            execute(server, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    @Override
    public String toString() {
        return "schema " + name + " on " + server;
    }

    private static void execute(PostgresTestServer server, String ddl) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run '" + ddl + "' on " + server, e);
        }
    }
}

package dev.tokenstore.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The backends the benchmarks compare, by the name used in the {@code backend} JMH parameter.
 * {@link #create()} makes a new, empty database for one trial: a new file for SQLite, H2 and HSQLDB, a
 * new schema on the (durable) PostgreSQL server, nothing for memory.
 */
public enum Backend {
    MEMORY("memory"),
    SQLITE("sqlite"),
    H2("h2"),
    POSTGRES("postgres"),
    HSQLDB("hsqldb");

    /** The backends a comparison runs when none are named (HSQLDB only on request: {@code --backends}). */
    public static final java.util.List<Backend> DEFAULTS = java.util.List.of(MEMORY, SQLITE, H2, POSTGRES);

    private final String paramName;

    Backend(String paramName) {
        this.paramName = paramName;
    }

    public String paramName() {
        return paramName;
    }

    /** True for the backends that sit on a SQL database (and so have a JDBC floor). */
    public boolean sql() {
        return this != MEMORY;
    }

    public static Backend of(String name) {
        for (Backend b : values()) {
            if (b.paramName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("backend must be one of "
                + Arrays.stream(values()).map(Backend::paramName).collect(Collectors.joining(", ")) + ", was '" + name + "'");
    }

    /** A new, empty database for this backend. */
    public Database create() {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        switch (this) {
            case MEMORY:
                return new Database(this, "memory:", Map.of(), null, null, null, null, () -> { });
            case SQLITE: {
                Path dir = tempDir(id);
                String url = "jdbc:sqlite:" + dir.resolve("tokens.db");
                String sync = BenchSettings.sqliteSynchronous();
                Map<String, String> props = sync == null ? Map.of() : Map.of("sqlite.synchronous", sync);
                return new Database(this, url, props, null, null, dir, null, () -> deleteTree(dir));
            }
            case H2: {
                Path dir = tempDir(id);
                String url = "jdbc:h2:" + dir.resolve("tokens");
                return new Database(this, url, Map.of(), null, null, dir, null, () -> deleteTree(dir));
            }
            case HSQLDB: {
                Path dir = tempDir(id);
                // shutdown=true: the database closes with its last connection (store or floor)
                String url = "jdbc:hsqldb:file:" + dir.resolve("tokens") + ";shutdown=true";
                return new Database(this, url, Map.of(), null, null, dir, null, () -> deleteTree(dir));
            }
            case POSTGRES: {
                PostgresServer server = PostgresServer.get();
                String schema = "bench_" + id;
                execute(server, "CREATE SCHEMA " + schema);
                return new Database(this, server.url(), Map.of("postgres.schema", schema), server.user(),
                        server.password(), null, schema, () -> execute(server, "DROP SCHEMA " + schema + " CASCADE"));
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** A plain JDBC connection to the given database, with the same durability settings as the store. */
    public Connection connect(Database db) throws SQLException {
        switch (this) {
            case SQLITE: {
                Connection c = DriverManager.getConnection(db.url());
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    String sync = BenchSettings.sqliteSynchronous();
                    s.execute("PRAGMA synchronous=" + (sync == null ? "NORMAL" : sync));
                    s.execute("PRAGMA busy_timeout=5000");
                }
                return c;
            }
            case H2:
                return DriverManager.getConnection(db.url());
            case HSQLDB:
                return DriverManager.getConnection(db.url(), "SA", "");
            case POSTGRES: {
                PostgresServer server = PostgresServer.get();
                Connection c = server.connect();
                try (Statement s = c.createStatement()) {
                    s.execute("SET search_path TO " + db.schema());
                }
                return c;
            }
            default:
                throw new UnsupportedOperationException("the memory backend has no JDBC connection");
        }
    }

    private static void execute(PostgresServer server, String sql) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL setup failed: " + sql, e);
        }
    }

    private static Path tempDir(String id) {
        try {
            Path base = Paths.get(BenchSettings.dir());
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "tokenstore-bench-" + id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a benchmark directory", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}

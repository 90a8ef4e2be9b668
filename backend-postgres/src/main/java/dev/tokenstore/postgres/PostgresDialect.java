package dev.tokenstore.postgres;

import dev.tokenstore.TokenStoreException;
import dev.tokenstore.jdbc.Column;
import dev.tokenstore.jdbc.SqlDialect;
import dev.tokenstore.jdbc.SqlErrors;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What PostgreSQL ({@value #MIN_MAJOR_VERSION} or later; an older server is refused at open) does differently: one-time consume is a single
 * {@code DELETE … RETURNING}; bulk upserts bind one array per column and insert them with
 * {@code unnest} in one statement (falling back to a JDBC batch when a key repeats in the batch,
 * which one {@code ON CONFLICT} statement cannot do); bulk deletes bind one array
 * ({@code = ANY(?)}); migrations of one schema are serialized with an advisory lock, and so is
 * cleanup (one store instance at a time, {@code pg_try_advisory_lock}, never waiting); the
 * configured schema is created if missing; a server shutting down a connection (57P0x) counts
 * as a lost connection; {@code 55P03} (lock not available) is transient and {@code 54000}
 * (program limit, e.g. an index entry too large) refuses the record.
 */
final class PostgresDialect implements SqlDialect {
    /** Rows per {@code unnest} statement and values per {@code = ANY(?)} array. */
    static final int ARRAY_CHUNK = 5_000;
    /** The oldest server the backend opens: the change feed numbers rows with {@code pg_current_xact_id()}. */
    static final int MIN_MAJOR_VERSION = 13;
    private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03");

    private final String schema;
    private final boolean unnest;

    /** @param schema the validated, lower-case schema of the tables, or null for the search path's */
    PostgresDialect(String schema) {
        this(schema, true);
    }

    /** With {@code unnest} false, bulk upserts use the engine's JDBC batch (for measuring the two). */
    PostgresDialect(String schema, boolean unnest) {
        this.schema = schema;
        this.unnest = unnest;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void prepareDatabase(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        requireSupported(meta.getDatabaseMajorVersion(), meta.getDatabaseProductVersion());
        if (schema != null && !schemaExists(connection)) {
            // The name was validated as a plain identifier, so it can be put into DDL as is.
            SqlDialect.execute(connection, "CREATE SCHEMA IF NOT EXISTS " + schema);
        }
    }

    /**
     * Refuses a server older than {@value #MIN_MAJOR_VERSION}: the change feed numbers its rows with
     * {@code pg_current_xact_id()} and reads its horizon with {@code pg_snapshot_xmin()}, both new in 13,
     * so on an older server every write would fail.
     *
     * @throws TokenStoreException naming the server's version and what needs 13
     */
    static void requireSupported(int major, String productVersion) {
        if (major < MIN_MAJOR_VERSION) {
            throw new TokenStoreException("tokenstore needs PostgreSQL " + MIN_MAJOR_VERSION + " or later (its change "
                    + "feed uses pg_current_xact_id() and pg_snapshot_xmin(), new in 13); the server is PostgreSQL "
                    + productVersion);
        }
    }

    private boolean schemaExists(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void lockForMigration(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, ("tokenstore migration " + (schema == null ? "" : schema)).hashCode());
            ps.execute();
        }
    }

    /** Store instances over one schema and table prefix take turns cleaning up (advisory lock). */
    @Override
    public boolean locksCleanup() {
        return true;
    }

    /** {@code pg_try_advisory_lock} on a key for this schema and table prefix: held by the session, never waits. */
    @Override
    public boolean tryLockCleanup(Connection connection, String tablePrefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, cleanupLockKey(tablePrefix));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    @Override
    public void unlockCleanup(Connection connection, String tablePrefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, cleanupLockKey(tablePrefix));
            ps.execute();
        }
    }

    private long cleanupLockKey(String tablePrefix) {
        return ("tokenstore cleanup " + (schema == null ? "" : schema) + " " + tablePrefix).hashCode();
    }

    @Override
    public boolean supportsDeleteReturning() {
        return true;
    }

    /**
     * {@code INSERT … SELECT * FROM unnest(?::text[], ?::bigint[], …) ON CONFLICT … DO UPDATE}, one
     * array per column, {@value #ARRAY_CHUNK} rows per statement. Unnest yields the rows in array
     * order and each row's unique checks see the rows before it, so the outcome is that of the
     * single calls in order. A key that repeats within the batch would make PostgreSQL refuse
     * the statement ("cannot affect row a second time"), so such batches take the JDBC batch path.
     */
    @Override
    public void upsertAll(Connection connection, String table, List<Column> columns, List<String> keyColumns,
                          List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (!unnest || hasRepeatedKey(columns, keyColumns, rows)) {
            SqlDialect.super.upsertAll(connection, table, columns, keyColumns, rows);
            return;
        }
        String sql = unnestUpsertSql(table, columns, keyColumns);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int from = 0; from < rows.size(); from += ARRAY_CHUNK) {
                List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + ARRAY_CHUNK));
                List<Array> arrays = new ArrayList<>(columns.size());
                try {
                    for (int i = 0; i < columns.size(); i++) {
                        Array array = columnArray(connection, columns.get(i), i, chunk);
                        arrays.add(array);
                        ps.setArray(i + 1, array);
                    }
                    ps.executeUpdate();
                } finally {
                    for (Array array : arrays) {
                        array.free();
                    }
                }
            }
        }
    }

    String unnestUpsertSql(String table, List<Column> columns, List<String> keyColumns) {
        String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        String arrays = columns.stream().map(c -> "?::" + arrayType(c)).collect(Collectors.joining(", "));
        String updates = columns.stream().map(Column::name).filter(c -> !keyColumns.contains(c))
                .map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + names + ") SELECT * FROM unnest(" + arrays + ") ON CONFLICT ("
                + String.join(", ", keyColumns) + ") DO UPDATE SET " + updates;
    }

    private static String arrayType(Column column) {
        return column.sqlType() == Types.BIGINT ? "bigint[]" : "text[]";
    }

    private static Array columnArray(Connection connection, Column column, int index, List<Object[]> rows)
            throws SQLException {
        if (column.sqlType() == Types.BIGINT) {
            Long[] values = new Long[rows.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = (Long) rows.get(r)[index];
            }
            return connection.createArrayOf("bigint", values);
        }
        String[] values = new String[rows.size()];
        for (int r = 0; r < values.length; r++) {
            values[r] = (String) rows.get(r)[index];
        }
        return connection.createArrayOf("text", values);
    }

    private static boolean hasRepeatedKey(List<Column> columns, List<String> keyColumns, List<Object[]> rows) {
        int[] keyIndexes = new int[keyColumns.size()];
        for (int k = 0; k < keyIndexes.length; k++) {
            keyIndexes[k] = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(keyColumns.get(k))) {
                    keyIndexes[k] = i;
                }
            }
            if (keyIndexes[k] < 0) {
                throw new IllegalArgumentException("key column " + keyColumns.get(k) + " is not among the columns");
            }
        }
        Set<List<Object>> seen = new HashSet<>();
        for (Object[] row : rows) {
            List<Object> key = new ArrayList<>(keyIndexes.length);
            for (int i : keyIndexes) {
                key.add(row[i]);
            }
            if (!seen.add(key)) {
                return true;
            }
        }
        return false;
    }

    /** {@code DELETE FROM t WHERE column = ANY(?)}, one text array of up to {@value #ARRAY_CHUNK} values per statement. */
    @Override
    public int deleteWhereIn(Connection connection, String table, String column, Collection<String> values)
            throws SQLException {
        List<String> all = new ArrayList<>(values);
        int deleted = 0;
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM " + table + " WHERE " + column + " = ANY(?)")) {
            for (int from = 0; from < all.size(); from += ARRAY_CHUNK) {
                Array array = connection.createArrayOf("text",
                        all.subList(from, Math.min(all.size(), from + ARRAY_CHUNK)).toArray(new String[0]));
                try {
                    ps.setArray(1, array);
                    deleted += ps.executeUpdate();
                } finally {
                    array.free();
                }
            }
        }
        return deleted;
    }

    /**
     * Connection class {@code 08} and the server's shutdown states {@code 57P01..03}. A pool that
     * timed out waiting for a connection ({@link SQLTransientConnectionException}) is not counted:
     * it already tried for the whole connect timeout, and trying again would only double the wait.
     */
    @Override
    public boolean isConnectionLost(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return false;
        }
        if (SqlDialect.super.isConnectionLost(e)) {
            return true;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            if (x.getSQLState() != null && SHUTDOWN_STATES.contains(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TokenStoreException.Kind classify(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            if ("55P03".equals(x.getSQLState())) {
                return TokenStoreException.Kind.TRANSIENT;
            }
            if ("54000".equals(x.getSQLState())) {
                return TokenStoreException.Kind.REFUSED;
            }
        }
        return SqlDialect.super.classify(e);
    }

    @Override
    public String toString() {
        return "PostgresDialect[schema=" + schema + "]";
    }
}

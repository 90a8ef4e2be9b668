package dev.tokenstore.hsqldb;

import dev.tokenstore.jdbc.Column;
import dev.tokenstore.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What HSQLDB (2.7) does differently from the engine's standard SQL; everything else — chunked
 * cleanup ({@code DELETE … WHERE k IN (SELECT … LIMIT ?)}), the one-time consume (HSQLDB has no
 * {@code DELETE … RETURNING}: a select and a delete in one transaction, the caller whose delete
 * removed the row wins), bulk batches, {@code 23505} unique violations, {@code 40001}
 * serialization failures and {@code 08…} lost connections — are the engine's defaults.
 *
 * <ul>
 *   <li>{@code TEXT} does not exist: unbounded text is {@code LONGVARCHAR} (a {@code VARCHAR} of
 *   16M, stored inline, not a LOB);</li>
 *   <li>no {@code INSERT … ON CONFLICT}: upserts are the standard {@code MERGE … USING (VALUES …)},
 *   with typed parameters;</li>
 *   <li>on open the database is switched to MVCC (readers never wait for writers; HSQLDB's default
 *   is table locks) and new tables default to {@code CACHED} (kept on disk, not all in memory).
 *   Both settings persist in the database.</li>
 * </ul>
 */
final class HsqldbDialect implements SqlDialect {

    @Override
    public String name() {
        return "hsqldb";
    }

    @Override
    public String textType() {
        return "LONGVARCHAR";
    }

    /**
     * {@code MERGE INTO t USING (VALUES (CAST(? AS …), …)) AS incoming (c, …) ON t.k = incoming.k
     * WHEN MATCHED THEN UPDATE SET … WHEN NOT MATCHED THEN INSERT …}. The casts matter: HSQLDB
     * types a bare parameter in {@code VALUES} as {@code VARCHAR(32768)} and would truncate longer
     * values. A conflict on another unique index still fails with {@code 23505}.
     */
    @Override
    public String typedUpsertSql(String table, List<Column> columns, List<String> keyColumns) {
        List<String> names = columns.stream().map(Column::name).collect(Collectors.toList());
        String on = keyColumns.stream().map(k -> table + "." + k + " = incoming." + k)
                .collect(Collectors.joining(" AND "));
        String updates = names.stream().filter(c -> !keyColumns.contains(c))
                .map(c -> table + "." + c + " = incoming." + c).collect(Collectors.joining(", "));
        String values = columns.stream().map(c -> "CAST(? AS " + (c.sqlType() == Types.BIGINT ? bigintType()
                : textType()) + ")").collect(Collectors.joining(", "));
        return "MERGE INTO " + table + " USING (VALUES (" + values + ")) AS incoming (" + String.join(", ", names)
                + ") ON " + on + " WHEN MATCHED THEN UPDATE SET " + updates
                + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", names) + ") VALUES ("
                + names.stream().map(c -> "incoming." + c).collect(Collectors.joining(", ")) + ")";
    }

    /** MVCC and cached tables, each set only when the database does not have it yet (both persist). */
    @Override
    public void prepareDatabase(Connection connection) throws SQLException {
        if (!"MVCC".equalsIgnoreCase(property(connection, "hsqldb.tx"))) {
            SqlDialect.execute(connection, "SET DATABASE TRANSACTION CONTROL MVCC");
        }
        if (!"CACHED".equalsIgnoreCase(property(connection, "hsqldb.default_table_type"))) {
            SqlDialect.execute(connection, "SET DATABASE DEFAULT TABLE TYPE CACHED");
        }
    }

    private static String property(Connection connection, String name) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT PROPERTY_VALUE FROM INFORMATION_SCHEMA.SYSTEM_PROPERTIES"
                     + " WHERE PROPERTY_NAME = '" + name + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public String toString() {
        return "HsqldbDialect";
    }
}

package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * What the data steps of migrations share ({@link SchemaVersion3}, {@link SchemaVersion4}): copying a
 * set-aside table into its new form in batches, row by row through a mapper, and asking the
 * database's metadata whether a table has a column (which tells a migration cut short where it
 * stopped).
 */
final class TableCopy {
    private static final int BATCH = 500;

    private TableCopy() {
    }

    /** Maps the current row of the old table's select to the new table's row, in its column order. */
    @FunctionalInterface
    interface RowMapper {
        Object[] map(ResultSet rs) throws SQLException;
    }

    /**
     * Empties {@code table} (it holds nothing but rows of an earlier copy cut short), then inserts
     * the mapped rows of {@code select} in batches.
     */
    static void copy(Connection c, SqlDialect dialect, String select, String table, List<Column> columns,
                     RowMapper mapper) throws SQLException {
        SqlDialect.execute(c, "DELETE FROM " + table);
        String insert = "INSERT INTO " + table + " (" + Schema.names(columns) + ") VALUES ("
                + "?, ".repeat(columns.size() - 1) + "?)";
        try (PreparedStatement read = c.prepareStatement(select);
             ResultSet rs = read.executeQuery();
             PreparedStatement write = c.prepareStatement(insert)) {
            int pending = 0;
            while (rs.next()) {
                Object[] row = mapper.map(rs);
                for (int i = 0; i < columns.size(); i++) {
                    dialect.bind(write, i + 1, row[i], columns.get(i).sqlType());
                }
                write.addBatch();
                if (++pending == BATCH) {
                    write.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                write.executeBatch();
            }
        }
    }

    /**
     * True if {@code table} exists (in the connection's current schema) with {@code column}, read
     * from the database's metadata (within the migration's transaction where DDL is transactional).
     */
    static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String schemaName = c.getSchema();
        try (ResultSet rs = md.getColumns(null, schemaName, stored(md, table), stored(md, column))) {
            while (rs.next()) {
                // '_' is a pattern character in metadata calls: compare the names exactly
                if (table.equalsIgnoreCase(rs.getString("TABLE_NAME"))
                        && column.equalsIgnoreCase(rs.getString("COLUMN_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An unquoted identifier as the database stores it (upper case in H2 and HSQLDB, lower in PostgreSQL). */
    private static String stored(DatabaseMetaData md, String identifier) throws SQLException {
        if (md.storesUpperCaseIdentifiers()) {
            return identifier.toUpperCase(Locale.ROOT);
        }
        return md.storesLowerCaseIdentifiers() ? identifier.toLowerCase(Locale.ROOT) : identifier;
    }

    /** The column's value, or null where it is SQL NULL (columns are read by name in the copies). */
    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}

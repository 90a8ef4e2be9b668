package dev.tokenstore.tck;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and tampers with a SQL backend's tables the way someone holding the database would: every
 * table of a schema dumped as text, and encrypted values ({@code ts1:…} or {@code ts2:…}) altered or
 * swapped in place.
 * Table and column names come from the database's own metadata.
 */
final class JdbcRawAccess {
    /** LIKE pattern of an encrypted value of either format ({@code ts1:} or {@code ts2:}). */
    private static final String ENCRYPTED_PATTERN = "ts_:%";

    private JdbcRawAccess() {
    }

    /** Every value of every table in {@code schema} (null: the default), as UTF-8 text. */
    static byte[] dump(Connection c, String schema) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String table : tables(c, schema)) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        out.writeBytes(String.valueOf(rs.getObject(i)).getBytes(StandardCharsets.UTF_8));
                        out.write('|');
                    }
                    out.write('\n');
                }
            }
        }
        return out.toByteArray();
    }

    /** Changes one base64 character inside every encrypted value; returns how many values changed. */
    static int corruptEncrypted(Connection c, String schema) throws SQLException {
        int changed = 0;
        for (String table : tables(c, schema)) {
            for (String column : textColumns(c, schema, table)) {
                List<String> values = encryptedValues(c, table, column, 0);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + table + " SET " + column + " = ? WHERE " + column + " = ?")) {
                    for (String value : values) {
                        ps.setString(1, flipInside(value));
                        ps.setString(2, value);
                        changed += ps.executeUpdate();
                    }
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return changed;
    }

    /** In every table and text column with two encrypted values or more, swaps the first two found. */
    static int swapBetweenRows(Connection c, String schema) throws SQLException {
        int swapped = 0;
        for (String table : tables(c, schema)) {
            for (String column : textColumns(c, schema, table)) {
                List<String> values = encryptedValues(c, table, column, 2);
                if (values.size() < 2) {
                    continue;
                }
                swapValues(c, table, column, values.get(0), values.get(1));
                swapped++;
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return swapped;
    }

    /**
     * In every table with {@code access_token_hash} / {@code refresh_token_hash} columns (the lookup
     * hashes of sessions), swaps the first two rows' values of each such column, as someone with
     * write access but no key would point their own token's hash at a victim's row. Returns how
     * many columns were swapped.
     */
    static int swapTokenHashes(Connection c, String schema) throws SQLException {
        int swapped = 0;
        for (String table : tables(c, schema)) {
            for (String column : textColumns(c, schema, table)) {
                String bare = column.replaceAll("[^A-Za-z_]", "").toLowerCase(java.util.Locale.ROOT);
                if (!bare.equals("access_token_hash") && !bare.equals("refresh_token_hash")) {
                    continue;
                }
                List<String> values = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + column + " FROM "
                        + table + " WHERE " + column + " IS NOT NULL ORDER BY " + column)) {
                    while (rs.next() && values.size() < 2) {
                        values.add(rs.getString(1));
                    }
                }
                if (values.size() < 2) {
                    continue;
                }
                swapValues(c, table, column, values.get(0), values.get(1));
                swapped++;
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return swapped;
    }

    /** In every row holding two encrypted values or more, swaps the first two (by column order). */
    static int swapBetweenColumns(Connection c, String schema) throws SQLException {
        int changed = 0;
        for (String table : tables(c, schema)) {
            List<String> columns = textColumns(c, schema, table);
            if (columns.size() < 2) {
                continue; // no two text columns to swap between
            }
            List<String[]> swaps = new ArrayList<>(); // column a, column b, value a, value b
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + table)) {
                while (rs.next()) {
                    List<Integer> encrypted = new ArrayList<>();
                    for (int i = 1; i <= columns.size() && encrypted.size() < 2; i++) {
                        String v = rs.getString(i);
                        if (v != null && v.matches("ts[12]:.*")) {
                            encrypted.add(i);
                        }
                    }
                    if (encrypted.size() == 2) {
                        swaps.add(new String[] {columns.get(encrypted.get(0) - 1), columns.get(encrypted.get(1) - 1),
                                rs.getString(encrypted.get(0)), rs.getString(encrypted.get(1))});
                    }
                }
            }
            for (String[] swap : swaps) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + swap[0] + " = ?, "
                        + swap[1] + " = ? WHERE " + swap[0] + " = ? AND " + swap[1] + " = ?")) {
                    ps.setString(1, swap[3]);
                    ps.setString(2, swap[2]);
                    ps.setString(3, swap[2]);
                    ps.setString(4, swap[3]);
                    changed += ps.executeUpdate();
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return changed;
    }

    /** The encrypted values of one column, at most {@code maxRows} of them (0: all). */
    private static List<String> encryptedValues(Connection c, String table, String column, int maxRows)
            throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + column + " FROM " + table + " WHERE " + column + " LIKE ?")) {
            ps.setString(1, ENCRYPTED_PATTERN);
            ps.setMaxRows(maxRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    /** Replaces a character well inside the base64 body (every bit of it is significant). */
    private static String flipInside(String value) {
        int at = value.lastIndexOf(':') + 8;
        char replacement = value.charAt(at) == 'A' ? 'B' : 'A';
        return value.substring(0, at) + replacement + value.substring(at + 1);
    }

    /** Swaps two values of a column in place, through a parked value (so a unique index never sees both at once). */
    private static void swapValues(Connection c, String table, String column, String a, String b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET " + column + " = ? WHERE " + column + " = ?")) {
            String parked = "swap-in-progress";
            for (String[] step : new String[][] {{parked, a}, {a, b}, {b, parked}}) {
                ps.setString(1, step[0]);
                ps.setString(2, step[1]);
                ps.executeUpdate();
            }
        }
    }

    private static List<String> tables(Connection c, String schema) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String qualified = rs.getString("TABLE_SCHEM") == null ? quote(meta, rs.getString("TABLE_NAME"))
                        : quote(meta, rs.getString("TABLE_SCHEM")) + "." + quote(meta, rs.getString("TABLE_NAME"));
                tables.add(qualified);
            }
        }
        if (tables.isEmpty()) {
            throw new IllegalStateException("no tables found in schema " + schema);
        }
        return tables;
    }

    private static List<String> textColumns(Connection c, String schema, String qualifiedTable) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + qualifiedTable + " WHERE 1 = 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                int type = rs.getMetaData().getColumnType(i);
                if (type == Types.VARCHAR || type == Types.LONGVARCHAR || type == Types.CLOB || type == Types.NVARCHAR
                        || type == Types.CHAR || type == Types.OTHER) {
                    columns.add(quote(c.getMetaData(), rs.getMetaData().getColumnName(i)));
                }
            }
        }
        return columns;
    }

    private static String quote(DatabaseMetaData meta, String identifier) throws SQLException {
        String q = meta.getIdentifierQuoteString().trim();
        return q + identifier.replace(q, q + q) + q;
    }
}

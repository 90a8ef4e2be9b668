package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Queries whose last condition is {@code column IN (?, …)} over many values, in chunks of the
 * dialect's {@link SqlDialect#maxInListSize()}, inside the caller's transaction.
 */
final class InLists {
    private InLists() {
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code prefix + " IN (?, …)"} for every chunk of {@code values}, binding {@code param}
     * first unless it is null, and maps every row found.
     *
     * @param prefix e.g. {@code SELECT session_hash FROM t WHERE expires_at > ? AND session_hash}
     */
    static <T> List<T> query(Connection c, SqlDialect dialect, String prefix, Long param, Collection<String> values,
                             RowMapper<T> mapper) throws SQLException {
        List<String> all = new ArrayList<>(values);
        int chunkSize = Math.max(1, dialect.maxInListSize());
        List<T> found = new ArrayList<>();
        for (int from = 0; from < all.size(); from += chunkSize) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + chunkSize));
            String sql = prefix + " IN (" + chunk.stream().map(v -> "?").collect(Collectors.joining(", ")) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int first = 1;
                if (param != null) {
                    ps.setLong(first++, param);
                }
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(first + i, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(mapper.map(rs));
                    }
                }
            }
        }
        return found;
    }
}

package dev.tokenstore.jdbc;

import java.sql.SQLException;
import java.util.Locale;

/**
 * The one place a unique violation on a token hash becomes what the contract promises: an
 * {@link IllegalArgumentException} naming the field whose token another session already holds.
 * The cause keeps the SQLState and constraint name, not the value (H2 quotes the hash).
 */
final class TokenInUse {
    private TokenInUse() {
    }

    /** A write that may violate a unique index. */
    @FunctionalInterface
    interface Write<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code write}; a unique violation becomes "{@code <fieldPrefix>accessToken} (or
     * {@code refreshToken}) is already used by another session", any other failure passes on.
     */
    static <T> T translating(SqlDialect dialect, String fieldPrefix, Write<T> write) throws SQLException {
        try {
            return write.run();
        } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
                throw refused(e, dialect, fieldPrefix);
            }
            throw e;
        }
    }

    private static IllegalArgumentException refused(SQLException e, SqlDialect dialect, String fieldPrefix) {
        // The first line names the violated index; later lines may quote the whole statement.
        boolean refresh = SqlErrors.chain(e).stream().anyMatch(x -> x.getMessage() != null
                && SqlErrors.withoutLiterals(x.getMessage()).toLowerCase(Locale.ROOT).contains("refresh_token_hash"));
        return new IllegalArgumentException(fieldPrefix + (refresh ? "refreshToken" : "accessToken")
                + " is already used by another session", SqlRedaction.redact(e, dialect));
    }
}

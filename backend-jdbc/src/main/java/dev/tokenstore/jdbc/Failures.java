package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreException;
import java.sql.SQLException;

/**
 * Builds the {@link TokenStoreException}s of one store. A database failure's message names the
 * store, the operation, the driver's text with every value removed ({@link SqlDialect#redactMessage}),
 * the SQLState, the vendor code and what retrying can do; the cause is the driver's exception with those values stripped
 * ({@link SqlRedaction}), and the kind comes from {@link SqlDialect#classify}.
 */
final class Failures {
    private final String storeName;
    private final SqlDialect dialect;

    Failures(String storeName, SqlDialect dialect) {
        this.storeName = storeName;
        this.dialect = dialect;
    }

    String storeName() {
        return storeName;
    }

    TokenStoreException wrap(String operation, SQLException e) {
        SQLException primary = primary(e);
        TokenStoreException.Kind kind = dialect.classify(e);
        String state = primary.getSQLState();
        int code = primary.getErrorCode();
        return new TokenStoreException(prefix(operation) + driverText(primary) + " [" + describe(state, code, kind)
                + "]", SqlRedaction.redact(e, dialect), kind, state, code);
    }

    /** Adds the store name to a failure raised below the engine (e.g. decryption), once; keeps its kind. */
    TokenStoreException wrap(String operation, TokenStoreException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(storeName)) {
            return e;
        }
        return new TokenStoreException(prefix(operation) + e.getMessage(), e);
    }

    /** "SQLState 22001, vendor code 22001" and whether retrying can help, for logs (no driver text). */
    static String describe(SQLException e, SqlDialect dialect) {
        SQLException primary = primary(e);
        return describe(primary.getSQLState(), primary.getErrorCode(), dialect.classify(e));
    }

    /** The driver's own words with every value removed ({@link SqlDialect#redactMessage}), at most 300 chars. */
    private String driverText(SQLException e) {
        String text = e.getMessage() == null ? null : dialect.redactMessage(e.getMessage());
        if (text == null || text.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private String prefix(String operation) {
        return storeName + ": " + operation + " failed: ";
    }

    private static String describe(String state, int code, TokenStoreException.Kind kind) {
        String what = switch (kind) {
            case TRANSIENT -> "transient";
            case REFUSED -> "the database refused the values";
            case UNCLASSIFIED -> "unclassified";
        };
        return "SQLState " + (state == null ? "none" : state) + ", vendor code " + code + " (" + what + ")";
    }

    /** The first exception of the chain that carries an SQLState (batch failures wrap the real one), else the first. */
    private static SQLException primary(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            if (x.getSQLState() != null) {
                return x;
            }
        }
        return e;
    }
}

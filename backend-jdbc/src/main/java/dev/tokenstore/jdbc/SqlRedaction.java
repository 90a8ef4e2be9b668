package dev.tokenstore.jdbc;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Copies of driver exceptions without the values they echo: every message of the chain (causes
 * and next-exceptions) goes through {@link SqlDialect#redactMessage}; SQLState, vendor code, the
 * original class name and stack traces are kept. Used for every cause the engine hands out.
 */
final class SqlRedaction {
    private static final int MAX_DEPTH = 16;

    private SqlRedaction() {
    }

    static SQLException redact(SQLException e, SqlDialect dialect) {
        return (SQLException) copy(e, dialect, new IdentityHashMap<>(), 0);
    }

    private static Throwable copy(Throwable t, SqlDialect dialect, Map<Throwable, Throwable> done, int depth) {
        if (t == null || depth > MAX_DEPTH) {
            return null;
        }
        Throwable seen = done.get(t);
        if (seen != null) {
            return seen;
        }
        String message = t.getMessage() == null ? null : dialect.redactMessage(t.getMessage());
        Throwable copy;
        if (t instanceof SQLException s) {
            RedactedSqlException r = new RedactedSqlException(s.getClass().getName(), message, s.getSQLState(),
                    s.getErrorCode());
            done.put(t, r);
            SQLException next = s.getNextException();
            if (next != null && next != s) {
                Throwable nextCopy = copy(next, dialect, done, depth + 1);
                if (nextCopy instanceof SQLException n) {
                    r.setNextException(n);
                }
            }
            copy = r;
        } else {
            copy = new RedactedCause(t.getClass().getName(), message);
            done.put(t, copy);
        }
        copy.setStackTrace(t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            Throwable causeCopy = copy(cause, dialect, done, depth + 1);
            if (causeCopy != null) {
                copy.initCause(causeCopy);
            }
        }
        return copy;
    }

    /** A driver {@link SQLException} with its message redacted; {@code toString()} shows the driver's class. */
    static final class RedactedSqlException extends SQLException {
        private static final long serialVersionUID = 1L;
        private final String originalClass;

        RedactedSqlException(String originalClass, String message, String sqlState, int vendorCode) {
            super(message, sqlState, vendorCode);
            this.originalClass = originalClass;
        }

        /** The class of the exception this stands for. */
        String originalClass() {
            return originalClass;
        }

        @Override
        public String toString() {
            return originalClass + " (redacted): " + getMessage();
        }
    }

    /** A non-SQL cause with its message redacted. */
    static final class RedactedCause extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String originalClass;

        RedactedCause(String originalClass, String message) {
            super(message);
            this.originalClass = originalClass;
        }

        /** The class of the exception this stands for. */
        String originalClass() {
            return originalClass;
        }

        @Override
        public String toString() {
            return originalClass + " (redacted): " + getMessage();
        }
    }
}

package dev.tokenstore.buffer;

import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreException.Kind;
import java.sql.SQLException;

/**
 * How the buffer reads a delegate's failure: an {@link IllegalArgumentException} refuses the
 * record; a {@link TokenStoreException} says its {@link TokenStoreException#kind()}, else its
 * SQLState, else what the first classified exception among its causes says (a driver's
 * {@link SQLException} by its SQLState); anything else is unclassified.
 */
final class FailureKinds {
    private static final int MAX_CAUSES = 16;

    private FailureKinds() {
    }

    static Kind of(Throwable failure) {
        if (failure instanceof IllegalArgumentException) {
            return Kind.REFUSED;
        }
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            Kind kind = Kind.UNCLASSIFIED;
            if (t instanceof TokenStoreException e) {
                kind = e.kind() != Kind.UNCLASSIFIED ? e.kind() : Kind.ofSqlState(e.sqlState());
            } else if (t instanceof SQLException e) {
                kind = Kind.ofSqlState(e.getSQLState());
            }
            if (kind != Kind.UNCLASSIFIED) {
                return kind;
            }
        }
        return Kind.UNCLASSIFIED;
    }

    /** For logs: the kind and SQLState, never the message (drivers echo values in it). */
    static String describe(Throwable failure) {
        String state = null;
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES && state == null; i++, t = t.getCause()) {
            if (t instanceof TokenStoreException e) {
                state = e.sqlState();
            } else if (t instanceof SQLException e) {
                state = e.getSQLState();
            }
        }
        return failure.getClass().getName() + " (" + of(failure).name().toLowerCase(java.util.Locale.ROOT)
                + (state == null ? "" : ", SQLState " + state) + ")";
    }
}

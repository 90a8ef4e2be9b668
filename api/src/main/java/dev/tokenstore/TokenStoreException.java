package dev.tokenstore;

/**
 * A failure of the storage behind a {@link TokenStore} (database down, locked, corrupt, a value it
 * refuses) or of decryption (wrong key, tampered value). Unchecked; the original cause is kept,
 * with any values the driver echoed stripped from its messages. The message never contains a
 * token, secret, password or user data: SQL backends build it from the operation, the driver's
 * text with every value removed, the SQLState and the vendor code.
 *
 * <p>{@link #kind()} says what retrying can do: a {@link Kind#TRANSIENT} failure (connection lost,
 * lock conflict, serialization failure, timeout) may pass if the same write is tried again; a
 * {@link Kind#REFUSED} one (SQLState class 22 data exception, class 23 integrity violation) will
 * not, because the database refuses that record. {@code BufferedTokenStore} retries only the
 * former and sets refused records aside.
 */
public class TokenStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What retrying the failed operation can do. */
    public enum Kind {
        /** The same call may succeed if tried again (connection, lock, serialization, timeout). */
        TRANSIENT,
        /** The database refuses the values given (data exception, integrity violation): retrying cannot help. */
        REFUSED,
        /** Not known; treat as transient a bounded number of times. */
        UNCLASSIFIED;

        /**
         * The standard reading of an SQLState: classes {@code 08} (connection), {@code 40}
         * (transaction rollback: serialization failure, deadlock), {@code 53} (insufficient
         * resources), {@code 57} (operator intervention, e.g. shutdown or cancel) and
         * {@code HYT00}/{@code HYT01} (timeouts) are transient; {@code 22} (data exception) and
         * {@code 23} (integrity constraint violation) are refused; anything else, or null, is
         * unclassified. Dialects refine this with vendor codes.
         */
        public static Kind ofSqlState(String sqlState) {
            if (sqlState == null || sqlState.length() < 2) {
                return UNCLASSIFIED;
            }
            String cls = sqlState.substring(0, 2);
            switch (cls) {
                case "08", "40", "53", "57":
                    return TRANSIENT;
                case "22", "23":
                    return REFUSED;
                default:
                    return sqlState.startsWith("HYT0") ? TRANSIENT : UNCLASSIFIED;
            }
        }
    }

    private final Kind kind;
    private final String sqlState;
    private final int vendorCode;

    public TokenStoreException(String message) {
        this(message, null, Kind.UNCLASSIFIED, null, 0);
    }

    /** A failure with the kind, SQLState and vendor code of {@code cause} if it is a {@code TokenStoreException}. */
    public TokenStoreException(String message, Throwable cause) {
        super(message, cause);
        TokenStoreException classified = cause instanceof TokenStoreException t ? t : null;
        this.kind = classified == null ? Kind.UNCLASSIFIED : classified.kind;
        this.sqlState = classified == null ? null : classified.sqlState;
        this.vendorCode = classified == null ? 0 : classified.vendorCode;
    }

    /**
     * A classified failure.
     *
     * @param kind       what retrying can do; null reads it from {@code sqlState} ({@link Kind#ofSqlState})
     * @param sqlState   the database's SQLState, or null
     * @param vendorCode the database's own error code, or 0
     */
    public TokenStoreException(String message, Throwable cause, Kind kind, String sqlState, int vendorCode) {
        super(message, cause);
        this.kind = kind == null ? Kind.ofSqlState(sqlState) : kind;
        this.sqlState = sqlState;
        this.vendorCode = vendorCode;
    }

    /** What retrying can do; {@link Kind#UNCLASSIFIED} when the store could not tell. */
    public Kind kind() {
        return kind;
    }

    /** The SQLState the database reported, or null (not a database failure, or none given). */
    public String sqlState() {
        return sqlState;
    }

    /** The database's own error code, or 0. */
    public int vendorCode() {
        return vendorCode;
    }
}

package dev.tokenstore;

import java.time.Duration;

/**
 * The argument checks every store and wrapper shares, so a bad argument fails the same way
 * wherever it is passed: an {@link IllegalArgumentException} that names the field and never echoes
 * the value (which may be a token or a secret). Backend authors may use them too.
 */
public final class Arguments {
    private Arguments() {
    }

    /** {@code value}, which must not be null. */
    public static <T> T requireNonNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (was null)");
        }
        return value;
    }

    /** {@code value}, which must not be null or blank (no length limit: lookup keys, settings). */
    public static String requireText(String value, String field) {
        requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    /** {@code value}, which must not be null or negative (zero passes). */
    public static Duration requireNotNegative(Duration value, String field) {
        requireNonNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative (was " + value + ")");
        }
        return value;
    }

    /** {@code value}, which must not be null, zero or negative. */
    public static Duration requirePositive(Duration value, String field) {
        requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive (was " + value + ")");
        }
        return value;
    }
}

package dev.tokenstore.cache;

import java.time.Duration;

/** Argument checks; every failure names the field and never echoes a value that may be secret. */
final class Args {
    private Args() {
    }

    static String requireText(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (was null)");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    static <T> T requireNonNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (was null)");
        }
        return value;
    }

    static Duration requireNotNegative(Duration value, String field) {
        requireNonNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative (was " + value + ")");
        }
        return value;
    }

    static Duration requirePositive(Duration value, String field) {
        requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive (was " + value + ")");
        }
        return value;
    }
}

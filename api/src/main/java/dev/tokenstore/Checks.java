package dev.tokenstore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Argument checks shared by the records and stores; every failure names the field. */
final class Checks {
    private Checks() {
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

    /** Times are kept to the millisecond so every backend returns exactly what it was given. */
    static Instant requireInstant(Instant value, String field) {
        return requireNonNull(value, field).truncatedTo(ChronoUnit.MILLIS);
    }

    static Instant optionalInstant(Instant value) {
        return value == null ? null : value.truncatedTo(ChronoUnit.MILLIS);
    }

    static void requireNotBefore(Instant later, String laterField, Instant earlier, String earlierField) {
        if (later != null && earlier != null && later.isBefore(earlier)) {
            throw new IllegalArgumentException(laterField + " (" + later + ") must not be before "
                    + earlierField + " (" + earlier + ")");
        }
    }

    static List<String> stringList(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        for (String value : values) {
            if (value == null) {
                throw new IllegalArgumentException(field + " must not contain null");
            }
        }
        return List.copyOf(values);
    }

    static Map<String, Object> profile(Map<String, Object> values, String field) {
        if (values == null) {
            return Map.of();
        }
        for (String key : values.keySet()) {
            if (key == null) {
                throw new IllegalArgumentException(field + " must not contain a null key");
            }
        }
        // LinkedHashMap keeps JSON order and allows null values, which profiles from providers have.
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }


    /**
     * Checks the session a refresh token is rotated to: present, with a refresh token of its own
     * that is not the presented one.
     */
    static void requireRotationSuccessor(String presentedRefreshToken, StoredSession next) {
        requireNonNull(next, "next");
        if (next.refreshToken() == null) {
            throw new IllegalArgumentException("next.refreshToken is required: a rotation issues a new refresh token");
        }
        if (next.refreshToken().equals(presentedRefreshToken)) {
            throw new IllegalArgumentException("next.refreshToken must differ from presentedRefreshToken");
        }
    }
}

package dev.tokenstore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Argument checks shared by the records and stores; every failure names the field (never its value). */
final class Checks {
    private Checks() {
    }

    /** A required, non-blank string (lookup keys, settings: no length limit); see {@link Arguments}. */
    static String requireText(String value, String field) {
        return Arguments.requireText(value, field);
    }

    /** A required, non-blank string of at most {@code max} chars without NUL or lone surrogates. */
    static String requireText(String value, String field, int max) {
        return text(Arguments.requireText(value, field), field, max);
    }

    /** An optional string (null passes) of at most {@code max} chars without NUL or lone surrogates. */
    static String text(String value, String field, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " is too long: " + value.length() + " characters, at most "
                    + max + " allowed");
        }
        requireCleanChars(value, field);
        return value;
    }

    static <T> T requireNonNull(T value, String field) {
        return Arguments.requireNonNull(value, field);
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

    /** A copy of the list (empty for null): at most {@code maxEntries}, each non-null and at most {@code maxLength}. */
    static List<String> stringList(List<String> values, String field, int maxEntries, int maxLength) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > maxEntries) {
            throw new IllegalArgumentException(field + " has too many entries: " + values.size() + ", at most "
                    + maxEntries + " allowed");
        }
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null) {
                throw new IllegalArgumentException(field + " must not contain null");
            }
            text(value, field + "[" + i + "]", maxLength);
        }
        return List.copyOf(values);
    }

    static Map<String, Object> profile(Map<String, Object> values, String field) {
        if (values == null) {
            return Map.of();
        }
        ProfileCheck.check(values, field);
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

    /** Refuses NUL (which PostgreSQL cannot store) and lone surrogates (which UTF-8 drivers replace). */
    static void requireCleanChars(String value, String field) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException(field + " must not contain NUL (U+0000), found at index " + i);
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(field + " must not contain a lone surrogate, found at index "
                            + i);
                }
            }
        }
    }
}

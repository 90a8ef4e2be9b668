package dev.tokenstore;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * Checks a {@link UserInfo#rawProfile()} before any backend sees it: only JSON values (strings,
 * numbers, booleans, null, lists, maps with string keys), no NUL or lone surrogate in any key or
 * string, at most {@link RecordLimits#PROFILE_DEPTH} levels deep, and at most
 * {@link RecordLimits#PROFILE_JSON} chars once written as compact JSON. The length is counted the
 * way Jackson writes it by default, without building the JSON. Failures name the path of the bad
 * value (keys that are not plain words are shown by position), never the value.
 */
final class ProfileCheck {
    private static final int MAX_KEY_IN_PATH = 40;

    private long length;
    private final String root;

    private ProfileCheck(String root) {
        this.root = root;
    }

    static void check(Map<?, ?> profile, String field) {
        ProfileCheck check = new ProfileCheck(field);
        check.value(profile, field, 1);
        if (check.length > RecordLimits.PROFILE_JSON) {
            throw new IllegalArgumentException(field + " is too large: " + check.length
                    + " characters as JSON, at most " + RecordLimits.PROFILE_JSON + " allowed");
        }
    }

    private void value(Object value, String path, int depth) {
        if (value == null) {
            length += 4;
        } else if (value instanceof String s) {
            Checks.requireCleanChars(s, path);
            string(s);
        } else if (value instanceof Boolean b) {
            length += b ? 4 : 5;
        } else if (value instanceof Number n) {
            number(n, path);
        } else if (value instanceof Map<?, ?> map) {
            container(depth, path);
            length += 2 + Math.max(0, map.size() - 1);
            int index = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(path + " must have string keys only (key #" + index + " is "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getSimpleName()) + ")");
                }
                Checks.requireCleanChars(key, path + " (key #" + index + ")");
                string(key);
                length += 1;
                value(e.getValue(), path + "." + segment(key, index), depth + 1);
                index++;
                stopIfTooLong();
            }
        } else if (value instanceof Collection<?> list) {
            container(depth, path);
            length += 2 + Math.max(0, list.size() - 1);
            int index = 0;
            for (Object element : list) {
                value(element, path + "[" + index + "]", depth + 1);
                index++;
                stopIfTooLong();
            }
        } else {
            throw new IllegalArgumentException(path + " must be a JSON value (string, number, boolean, null, list "
                    + "or map), not " + value.getClass().getSimpleName());
        }
    }

    private void container(int depth, String path) {
        if (depth > RecordLimits.PROFILE_DEPTH) {
            throw new IllegalArgumentException(path + " is nested too deeply: at most " + RecordLimits.PROFILE_DEPTH
                    + " levels of maps and lists allowed in " + root);
        }
    }

    private void number(Number n, String path) {
        if (n instanceof Double d && (d.isNaN() || d.isInfinite())
                || n instanceof Float f && (f.isNaN() || f.isInfinite())) {
            throw new IllegalArgumentException(path + " must be a finite number (JSON has no NaN or infinity)");
        }
        length += n instanceof BigDecimal big ? big.toString().length() : n.toString().length();
    }

    /** A quoted JSON string as Jackson escapes it: {@code \" \\ \b \t \n \f \r} two chars, other controls six. */
    private void string(String s) {
        long n = 2;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x20) {
                n += c == '"' || c == '\\' ? 2 : 1;
            } else {
                n += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
            }
        }
        length += n;
    }

    /** Stops walking a huge profile early; the final check reports it. */
    private void stopIfTooLong() {
        if (length > RecordLimits.PROFILE_JSON) {
            throw new IllegalArgumentException(root + " is too large: more than " + RecordLimits.PROFILE_JSON
                    + " characters as JSON");
        }
    }

    private static String segment(String key, int index) {
        if (key.isEmpty() || key.length() > MAX_KEY_IN_PATH) {
            return "[key #" + index + "]";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '-')) {
                return "[key #" + index + "]";
            }
        }
        return key;
    }
}

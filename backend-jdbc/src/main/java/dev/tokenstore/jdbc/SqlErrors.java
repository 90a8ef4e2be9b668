package dev.tokenstore.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Helpers for looking into {@link SQLException}s, which nest through causes and next-exceptions. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /**
     * The exception, its {@code getNextException()} chain and every {@link SQLException} among
     * their causes (batch failures often wrap the real error), each once.
     */
    public static List<SQLException> chain(SQLException e) {
        List<SQLException> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        List<Throwable> todo = new ArrayList<>();
        todo.add(e);
        while (!todo.isEmpty() && out.size() < 32) {
            Throwable t = todo.remove(0);
            if (t == null || seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            if (t instanceof SQLException) {
                SQLException s = (SQLException) t;
                out.add(s);
                todo.add(s.getNextException());
            }
            todo.add(t.getCause());
        }
        return out;
    }

    /** True if the exception's message contains {@code text}, ignoring case. */
    public static boolean mentions(Throwable e, String text) {
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    /**
     * The first line of {@code message} with every single-quoted literal ({@code ''} escapes
     * included) replaced by {@code '?'}; an unclosed quote drops the rest. For driver messages that
     * quote the offending value, e.g. H2's {@code Value too long for column "X": "'secret' (5000)"}.
     */
    public static String withoutLiterals(String message) {
        if (message == null) {
            return null;
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c != '\'') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            while (true) {
                end = line.indexOf('\'', end);
                if (end < 0) {
                    return out.append("'?").toString();
                }
                if (end + 1 < line.length() && line.charAt(end + 1) == '\'') {
                    end += 2;
                    continue;
                }
                break;
            }
            out.append("'?'");
            i = end + 1;
        }
        return out.toString();
    }

    /**
     * True if {@code t} is a {@code type}, or is the engine's redacted copy of one (the engine hands
     * out copies of driver exceptions without the values they echo; they keep the driver's class
     * name, which this checks). For classifying failures, e.g. in {@link SqlDialect#isUnavailable}.
     */
    public static boolean isA(Throwable t, Class<? extends Throwable> type) {
        if (type.isInstance(t)) {
            return true;
        }
        String original = t instanceof SqlRedaction.RedactedSqlException r ? r.originalClass()
                : t instanceof SqlRedaction.RedactedCause c ? c.originalClass() : null;
        if (original == null) {
            return false;
        }
        try {
            return type.isAssignableFrom(Class.forName(original, false, type.getClassLoader() != null
                    ? type.getClassLoader() : SqlErrors.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}

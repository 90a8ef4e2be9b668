package dev.tokenstore;

import java.util.regex.Pattern;

/** Makes store URLs safe to log: passwords in query strings or user-info are masked. */
public final class Urls {
    private static final Pattern PASSWORD_PARAM =
            Pattern.compile("(?i)((?:password|pass|pwd|secret)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private Urls() {
    }

    /** The URL with any password replaced by {@code ****}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
        return USER_INFO.matcher(masked).replaceAll("$1****@");
    }
}

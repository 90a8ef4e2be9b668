package dev.tokenstore.jdbc;

/**
 * The plaintext of a session row's {@code secrets_enc} (schema version 4): the user JSON and the
 * four tokens of a session in one value, so a read decrypts two values (this and the session id)
 * instead of six — each AES-GCM operation has a fixed cost of about half a microsecond, more than
 * a whole small value's bytes. Each field is written as its length in chars, {@code ':'} and the
 * chars, or {@code '-'} for null; the lengths make any content (colons, digits, JSON) safe.
 */
record SessionSecrets(String userInfoJson, String accessToken, String refreshToken, String providerAccessToken,
                      String providerRefreshToken) {
    private static final int FIELDS = 5;

    String encode() {
        StringBuilder sb = new StringBuilder(64 + length(userInfoJson) + length(accessToken) + length(refreshToken)
                + length(providerAccessToken) + length(providerRefreshToken));
        for (String field : new String[] {accessToken, refreshToken, providerAccessToken, providerRefreshToken,
                userInfoJson}) {
            if (field == null) {
                sb.append('-');
            } else {
                sb.append(field.length()).append(':').append(field);
            }
        }
        return sb.toString();
    }

    /**
     * Reads what {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException if {@code encoded} is not such a value (a corrupt row; an
     *                                  authenticated decrypt makes this a bug, not an attack)
     */
    static SessionSecrets decode(String encoded) {
        String[] fields = new String[FIELDS];
        int at = 0;
        for (int i = 0; i < FIELDS; i++) {
            if (at >= encoded.length()) {
                throw malformed("ends before field " + (i + 1));
            }
            if (encoded.charAt(at) == '-') {
                at++;
                continue;
            }
            int colon = encoded.indexOf(':', at);
            if (colon <= at || colon - at > 9) {
                throw malformed("no length before field " + (i + 1));
            }
            int length = digits(encoded, at, colon);
            int end = colon + 1 + length;
            if (end > encoded.length()) {
                throw malformed("field " + (i + 1) + " is longer than the value");
            }
            fields[i] = encoded.substring(colon + 1, end);
            at = end;
        }
        if (at != encoded.length()) {
            throw malformed("trailing characters after field " + FIELDS);
        }
        return new SessionSecrets(fields[4], fields[0], fields[1], fields[2], fields[3]);
    }

    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed("a field length is not a number");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private static IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("session secrets value is malformed: " + what);
    }

    /** Names the fields only: the values are secrets. */
    @Override
    public String toString() {
        return "SessionSecrets[userInfoJson=***, accessToken=***, refreshToken=" + (refreshToken == null ? "null" : "***")
                + ", providerAccessToken=" + (providerAccessToken == null ? "null" : "***")
                + ", providerRefreshToken=" + (providerRefreshToken == null ? "null" : "***") + "]";
    }
}

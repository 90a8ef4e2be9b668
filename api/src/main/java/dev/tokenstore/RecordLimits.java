package dev.tokenstore;

/**
 * The largest values the records accept, the same on every backend and wrapper. A record that
 * exceeds one fails on construction with an {@link IllegalArgumentException} naming the field and
 * the limit, so no backend ever sees a value one database would refuse and another keep. Lengths
 * are counted in Java {@code char}s (UTF-16 code units). No string may contain NUL (U+0000) or a
 * lone surrogate, nested {@code rawProfile} keys and values included.
 *
 * <p>The limits fit the smallest column of every backend: ids are at most {@value #ID} chars, which
 * fits the {@code VARCHAR(1024)} key columns and, at 3 UTF-8 bytes per char, PostgreSQL's b-tree
 * entry limit (2,704 bytes); the JSON columns of a record stay below H2's 1,048,576-character
 * {@code CHARACTER VARYING} even when every character needs a six-character JSON escape.
 */
public final class RecordLimits {
    /** Ids and keys: {@code sessionId}, {@code clientId}, {@code userInfo.userId}, {@code provider}. */
    public static final int ID = 512;
    /**
     * Opaque secrets and one-time values: access, refresh and provider tokens, {@code state},
     * {@code code}, {@code clientSecret}, {@code codeChallenge}, {@code providerCodeVerifier},
     * {@code clientState}.
     */
    public static final int SECRET = 16_384;
    /** URIs: {@code redirectUri}, each of {@code redirectUris}, {@code avatarUrl}. */
    public static final int URI = 4_096;
    /** People's and clients' names: {@code username}, {@code email}, {@code name}, {@code clientName}. */
    public static final int NAME = 1_024;
    /** The space-separated {@code scope} of a client. */
    public static final int SCOPE = 8_192;
    /**
     * Short tokens: {@code codeChallengeMethod}, {@code tokenEndpointAuthMethod}, and each entry of
     * {@code scopes}, {@code capabilities}, {@code grantTypes} and {@code responseTypes}.
     */
    public static final int SHORT = 256;
    /** Entries of {@code scopes}, {@code capabilities}, {@code grantTypes} and {@code responseTypes}. */
    public static final int LIST_ENTRIES = 128;
    /** Entries of a client's {@code redirectUris}. */
    public static final int REDIRECT_URIS = 32;
    /** {@code userInfo.rawProfile} written as compact JSON (Jackson's default escaping), in chars. */
    public static final int PROFILE_JSON = 65_536;
    /** Nesting of maps and lists in {@code userInfo.rawProfile} (the profile itself is level 1). */
    public static final int PROFILE_DEPTH = 32;

    private RecordLimits() {
    }
}

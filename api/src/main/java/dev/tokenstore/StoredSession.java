package dev.tokenstore;

import java.time.Instant;

/**
 * A signed-in session: found by its access token or id while {@code accessExpiresAt} is in the
 * future, and by its refresh token while {@code refreshExpiresAt} is. Immutable; validated on
 * construction: {@code sessionId}, {@code provider}, {@code userInfo}, {@code accessToken},
 * {@code accessExpiresAt} and {@code createdAt} are required, {@code refreshExpiresAt} is
 * required when a refresh token is set, and no expiry may be before {@code createdAt}.
 * {@code issuedAt} defaults to {@code createdAt}. Times are kept to the millisecond. Strings obey
 * {@link RecordLimits} (length, no NUL).
 * {@link #toString()} never shows a token, only hash prefixes.
 */
public record StoredSession(
        String sessionId,
        String provider,
        UserInfo userInfo,
        String accessToken,
        String refreshToken,
        String providerAccessToken,
        String providerRefreshToken,
        Instant providerExpiresAt,
        Instant accessExpiresAt,
        Instant refreshExpiresAt,
        Instant issuedAt,
        Instant createdAt) {

    public StoredSession {
        Checks.requireText(sessionId, "sessionId", RecordLimits.ID);
        Checks.requireText(provider, "provider", RecordLimits.ID);
        Checks.requireNonNull(userInfo, "userInfo");
        Checks.requireText(accessToken, "accessToken", RecordLimits.SECRET);
        Checks.text(providerAccessToken, "providerAccessToken", RecordLimits.SECRET);
        Checks.text(providerRefreshToken, "providerRefreshToken", RecordLimits.SECRET);
        if (refreshToken != null) {
            Checks.requireText(refreshToken, "refreshToken", RecordLimits.SECRET);
            if (refreshToken.equals(accessToken)) {
                throw new IllegalArgumentException("refreshToken must differ from accessToken");
            }
            Checks.requireNonNull(refreshExpiresAt, "refreshExpiresAt (required when refreshToken is set)");
        }
        accessExpiresAt = Checks.requireInstant(accessExpiresAt, "accessExpiresAt");
        createdAt = Checks.requireInstant(createdAt, "createdAt");
        refreshExpiresAt = Checks.optionalInstant(refreshExpiresAt);
        providerExpiresAt = Checks.optionalInstant(providerExpiresAt);
        issuedAt = issuedAt == null ? createdAt : Checks.optionalInstant(issuedAt);
        Checks.requireNotBefore(accessExpiresAt, "accessExpiresAt", createdAt, "createdAt");
        Checks.requireNotBefore(refreshExpiresAt, "refreshExpiresAt", createdAt, "createdAt");
    }

    /** The user's id, the key of {@link TokenStore#deleteSessionsByUser(String)}. */
    public String userId() {
        return userInfo.userId();
    }

    /** {@link TokenHash#sha256Hex(String)} of the access token. */
    public String accessTokenHash() {
        return TokenHash.sha256Hex(accessToken);
    }

    /** {@link TokenHash#sha256Hex(String)} of the refresh token, or null when there is none. */
    public String refreshTokenHash() {
        return refreshToken == null ? null : TokenHash.sha256Hex(refreshToken);
    }

    /** True while the access token (and so lookups by access token or id) is still valid at {@code now}. */
    public boolean isAccessLive(Instant now) {
        return now.isBefore(accessExpiresAt);
    }

    /** True while the refresh token is still valid at {@code now}; false when there is none. */
    public boolean isRefreshLive(Instant now) {
        return refreshToken != null && refreshExpiresAt != null && now.isBefore(refreshExpiresAt);
    }

    /** True when the session can never be returned again: access dead and no live refresh token. */
    public boolean isFullyExpired(Instant now) {
        return !isAccessLive(now) && !isRefreshLive(now);
    }

    @Override
    public String toString() {
        return "StoredSession[sessionId=" + Redaction.fingerprint(sessionId) + ", provider=" + provider
                + ", userId=" + userInfo.userId()
                + ", accessToken=" + Redaction.fingerprint(accessToken)
                + ", refreshToken=" + Redaction.fingerprint(refreshToken)
                + ", providerAccessToken=" + (providerAccessToken == null ? "null" : "***")
                + ", providerRefreshToken=" + (providerRefreshToken == null ? "null" : "***")
                + ", providerExpiresAt=" + providerExpiresAt + ", accessExpiresAt=" + accessExpiresAt
                + ", refreshExpiresAt=" + refreshExpiresAt + ", issuedAt=" + issuedAt
                + ", createdAt=" + createdAt + "]";
    }
}

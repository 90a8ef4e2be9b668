package dev.tokenstore;

import java.time.Instant;
import java.util.List;

/**
 * A one-time authorization code bound to a session, client and redirect URI. Immutable;
 * validated on construction ({@code code}, {@code sessionId}, {@code clientId},
 * {@code redirectUri}, {@code expiresAt} and {@code createdAt} are required, {@code expiresAt}
 * not before {@code createdAt}); strings obey {@link RecordLimits}; times are kept to the millisecond. {@link #toString()} shows
 * only a hash prefix of the code.
 */
public record AuthCodeRecord(
        String code,
        String sessionId,
        String clientId,
        String redirectUri,
        String codeChallenge,
        String codeChallengeMethod,
        List<String> scopes,
        Instant expiresAt,
        Instant createdAt) {

    public AuthCodeRecord {
        Checks.requireText(code, "code", RecordLimits.SECRET);
        Checks.requireText(sessionId, "sessionId", RecordLimits.ID);
        Checks.requireText(clientId, "clientId", RecordLimits.ID);
        Checks.requireText(redirectUri, "redirectUri", RecordLimits.URI);
        Checks.text(codeChallenge, "codeChallenge", RecordLimits.SECRET);
        Checks.text(codeChallengeMethod, "codeChallengeMethod", RecordLimits.SHORT);
        scopes = Checks.stringList(scopes, "scopes", RecordLimits.LIST_ENTRIES, RecordLimits.SHORT);
        expiresAt = Checks.requireInstant(expiresAt, "expiresAt");
        createdAt = Checks.requireInstant(createdAt, "createdAt");
        Checks.requireNotBefore(expiresAt, "expiresAt", createdAt, "createdAt");
    }

    /** True once {@code now} has reached {@code expiresAt}. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AuthCodeRecord[code=" + Redaction.fingerprint(code) + ", sessionId=" + Redaction.fingerprint(sessionId)
                + ", clientId=" + clientId + ", redirectUri=" + redirectUri
                + ", codeChallengeMethod=" + codeChallengeMethod + ", scopes=" + scopes
                + ", expiresAt=" + expiresAt + ", createdAt=" + createdAt + "]";
    }
}

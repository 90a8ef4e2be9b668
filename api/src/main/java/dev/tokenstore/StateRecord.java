package dev.tokenstore;

import java.time.Instant;
import java.util.List;

/**
 * A one-time OAuth {@code state} value and what the authorization request carried with it.
 * Immutable; validated on construction ({@code state}, {@code clientId}, {@code redirectUri},
 * {@code expiresAt} and {@code createdAt} are required, {@code expiresAt} not before
 * {@code createdAt}); strings obey {@link RecordLimits}; times are kept to the millisecond. {@link #toString()} shows only a hash
 * prefix of the state and of the verifier.
 */
public record StateRecord(
        String state,
        String clientId,
        String redirectUri,
        String codeChallenge,
        String codeChallengeMethod,
        String providerCodeVerifier,
        String clientState,
        List<String> scopes,
        Instant expiresAt,
        Instant createdAt) {

    public StateRecord {
        Checks.requireText(state, "state", RecordLimits.SECRET);
        Checks.requireText(clientId, "clientId", RecordLimits.ID);
        Checks.requireText(redirectUri, "redirectUri", RecordLimits.URI);
        Checks.text(codeChallenge, "codeChallenge", RecordLimits.SECRET);
        Checks.text(codeChallengeMethod, "codeChallengeMethod", RecordLimits.SHORT);
        Checks.text(providerCodeVerifier, "providerCodeVerifier", RecordLimits.SECRET);
        Checks.text(clientState, "clientState", RecordLimits.SECRET);
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
        return "StateRecord[state=" + Redaction.fingerprint(state) + ", clientId=" + clientId
                + ", redirectUri=" + redirectUri + ", codeChallengeMethod=" + codeChallengeMethod
                + ", providerCodeVerifier=" + (providerCodeVerifier == null ? "null" : "***")
                + ", clientState=" + (clientState == null ? "null" : "***")
                + ", scopes=" + scopes + ", expiresAt=" + expiresAt + ", createdAt=" + createdAt + "]";
    }
}

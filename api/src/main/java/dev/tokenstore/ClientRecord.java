package dev.tokenstore;

import java.time.Instant;
import java.util.List;

/**
 * A registered OAuth client. Immutable; {@code clientId} and {@code createdAt} are required,
 * {@code clientSecret} is null for public clients; strings obey {@link RecordLimits}. Stores keep the secret encrypted;
 * {@link #toString()} never shows it.
 */
public record ClientRecord(
        String clientId,
        String clientSecret,
        String tokenEndpointAuthMethod,
        List<String> redirectUris,
        List<String> grantTypes,
        List<String> responseTypes,
        String scope,
        String clientName,
        Instant createdAt) {

    public ClientRecord {
        Checks.requireText(clientId, "clientId", RecordLimits.ID);
        Checks.text(clientSecret, "clientSecret", RecordLimits.SECRET);
        Checks.text(tokenEndpointAuthMethod, "tokenEndpointAuthMethod", RecordLimits.SHORT);
        Checks.text(scope, "scope", RecordLimits.SCOPE);
        Checks.text(clientName, "clientName", RecordLimits.NAME);
        redirectUris = Checks.stringList(redirectUris, "redirectUris", RecordLimits.REDIRECT_URIS, RecordLimits.URI);
        grantTypes = Checks.stringList(grantTypes, "grantTypes", RecordLimits.LIST_ENTRIES, RecordLimits.SHORT);
        responseTypes = Checks.stringList(responseTypes, "responseTypes", RecordLimits.LIST_ENTRIES,
                RecordLimits.SHORT);
        createdAt = Checks.requireInstant(createdAt, "createdAt");
    }

    /**
     * True if {@code presented} is this client's secret, compared in constant time (SHA-256 of
     * both, then {@link java.security.MessageDigest#isEqual}), so the time taken says nothing about
     * how much of it matched, nor its length. False for a public client (no secret) or a null
     * presented value. Use this instead of {@code equals} to authenticate a client.
     */
    public boolean secretMatches(String presented) {
        if (clientSecret == null || presented == null) {
            return false;
        }
        byte[] expected = TokenHash.sha256(clientSecret);
        byte[] given = TokenHash.sha256(presented);
        return java.security.MessageDigest.isEqual(expected, given);
    }

    @Override
    public String toString() {
        return "ClientRecord[clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? "null" : "***")
                + ", tokenEndpointAuthMethod=" + tokenEndpointAuthMethod + ", redirectUris=" + redirectUris
                + ", grantTypes=" + grantTypes + ", responseTypes=" + responseTypes + ", scope=" + scope
                + ", clientName=" + clientName + ", createdAt=" + createdAt + "]";
    }
}

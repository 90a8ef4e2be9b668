package dev.tokenstore;

import java.util.List;
import java.util.Map;

/**
 * The user a session belongs to, as the identity provider described them. Immutable;
 * {@code provider} and {@code userId} are required; {@code rawProfile} keeps the provider's JSON
 * profile (string keys; values that JSON can carry: strings, numbers, booleans, null, lists and
 * maps), checked against {@link RecordLimits} with every other string. {@link #toString()} leaves out e-mail, name and profile (personal data).
 */
public record UserInfo(
        String provider,
        String userId,
        String username,
        String email,
        String name,
        String avatarUrl,
        Map<String, Object> rawProfile,
        List<String> scopes,
        List<String> capabilities) {

    public UserInfo {
        Checks.requireText(provider, "userInfo.provider", RecordLimits.ID);
        Checks.requireText(userId, "userInfo.userId", RecordLimits.ID);
        Checks.text(username, "userInfo.username", RecordLimits.NAME);
        Checks.text(email, "userInfo.email", RecordLimits.NAME);
        Checks.text(name, "userInfo.name", RecordLimits.NAME);
        Checks.text(avatarUrl, "userInfo.avatarUrl", RecordLimits.URI);
        rawProfile = Checks.profile(rawProfile, "userInfo.rawProfile");
        scopes = Checks.stringList(scopes, "userInfo.scopes", RecordLimits.LIST_ENTRIES, RecordLimits.SHORT);
        capabilities = Checks.stringList(capabilities, "userInfo.capabilities", RecordLimits.LIST_ENTRIES,
                RecordLimits.SHORT);
    }

    /** A user with only the required fields set. */
    public static UserInfo of(String provider, String userId) {
        return new UserInfo(provider, userId, null, null, null, null, Map.of(), List.of(), List.of());
    }

    @Override
    public String toString() {
        return "UserInfo[provider=" + provider + ", userId=" + userId + ", scopes=" + scopes
                + ", capabilities=" + capabilities + "]";
    }
}

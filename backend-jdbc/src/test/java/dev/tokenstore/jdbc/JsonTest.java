package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokenstore.TokenStoreException;
import dev.tokenstore.UserInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void userInfoRoundTripsWithEveryJsonValueKind() {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", "ada");
        profile.put("id", 42);
        profile.put("big", 9_000_000_000L);
        profile.put("ratio", 1.5);
        profile.put("admin", true);
        profile.put("bio", null);
        profile.put("plan", Map.of("name", "pro", "seats", 3));
        profile.put("orgs", List.of("a", Map.of("x", List.of())));
        profile.put("unicode", "Ünïcödé ✓ \"quoted\" \\ back");
        UserInfo user = new UserInfo("github", "u-1", "ada", "ada@example.com", null, "https://a.example/x",
                profile, List.of("read:user", "repo"), List.of());
        UserInfo back = Json.readUserInfo(Json.userInfo(user));
        assertEquals(user, back);
        assertEquals(List.copyOf(profile.keySet()), List.copyOf(back.rawProfile().keySet()), "order kept");
        assertEquals(UserInfo.of("p", "u"), Json.readUserInfo(Json.userInfo(UserInfo.of("p", "u"))));
    }

    @Test
    void userInfoReaderIgnoresUnknownFieldsAndDefaultsMissingOnes() {
        assertEquals(UserInfo.of("p", "u"),
                Json.readUserInfo("{\"provider\":\"p\",\"userId\":\"u\",\"addedLater\":{\"x\":[1]}}"));
    }

    @Test
    void listsRoundTrip() {
        assertEquals(List.of(), Json.readList(Json.list(List.of())));
        assertEquals(List.of("a b", "c,d", "\"e\""), Json.readList(Json.list(List.of("a b", "c,d", "\"e\""))));
        assertEquals(List.of(), Json.readList(null));
    }

    @Test
    void corruptJsonIsATokenStoreException() {
        assertThrows(TokenStoreException.class, () -> Json.readList("[\"a\""));
        assertThrows(TokenStoreException.class, () -> Json.readList("{\"a\":1}"));
        assertThrows(TokenStoreException.class, () -> Json.readUserInfo("{\"provider\":\"p\"}"));
        assertThrows(TokenStoreException.class, () -> Json.readUserInfo("not json"));
        assertThrows(TokenStoreException.class, () -> Json.readUserInfo("null"));
        assertThrows(TokenStoreException.class, () -> Json.readUserInfo("[]"));
        assertThrows(TokenStoreException.class,
                () -> Json.readUserInfo("{\"provider\":\"p\",\"userId\":\"u\",\"scopes\":{\"a\":1}}"));
        assertThrows(TokenStoreException.class,
                () -> Json.readUserInfo("{\"provider\":\"p\",\"userId\":\"u\",\"rawProfile\":[1]}"));
    }
}

package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.UserInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link TokenStore} contract as tests. A backend runs it by subclassing and implementing
 * {@link #newStorage()}:
 *
 * <pre>{@code
 * class MyBackendTckTest extends TokenStoreCompatibilityKit {
 *     @TempDir Path dir;
 *     protected TestStorage newStorage() { return new MyBackendStorage(dir); }
 * }
 * }</pre>
 *
 * Optional capabilities ({@link BulkSessionStore}, {@link TransactionalTokenStore}, a second
 * instance over the same data, raw storage bytes) are checked where the backend has them and
 * reported as skipped (JUnit assumptions) where it does not — never as passed.
 */
public abstract class TokenStoreCompatibilityKit extends StoreKit {
    /** The store under test, opened (and decorated) before each test on fresh storage. */
    protected TokenStore store;

    @BeforeEach
    void openStoreUnderTest() {
        store = openStore();
    }

    // ----------------------------------------------------------------------------------------
    // One-time values
    // ----------------------------------------------------------------------------------------

    /** The one-time value contract, shared by states and authorization codes. */
    abstract class OneTimeValueContract<R> {
        abstract R record(String value, Duration ttl);

        abstract void put(TokenStore target, R record);

        abstract Optional<R> take(TokenStore target, String value);

        @Test
        @DisplayName("a stored value is returned by consume exactly as stored")
        void roundTrip() {
            R record = record(TestData.token(), Duration.ofMinutes(5));
            put(store, record);
            assertEquals(Optional.of(record), take(store, valueOf(record)));
        }

        @Test
        @DisplayName("a value is consumed at most once")
        void oneTime() {
            R record = record(TestData.token(), Duration.ofMinutes(5));
            put(store, record);
            assertTrue(take(store, valueOf(record)).isPresent());
            assertEquals(Optional.empty(), take(store, valueOf(record)));
            assertEquals(Optional.empty(), take(store, valueOf(record)));
        }

        @Test
        @DisplayName("an expired value is not returned, and consuming it removes it")
        void expiredIsEmptyAndRemoved() {
            R record = record(TestData.token(), Duration.ofMinutes(1));
            put(store, record);
            clock.advance(Duration.ofMinutes(1));
            assertEquals(Optional.empty(), take(store, valueOf(record)), "expired exactly at expiresAt");
            clock.advance(Duration.ofMinutes(-2));
            assertEquals(Optional.empty(), take(store, valueOf(record)), "gone even when the clock goes back");
        }

        @Test
        @DisplayName("a value is still returned one millisecond before it expires")
        void liveUntilExpiry() {
            R record = record(TestData.token(), Duration.ofMinutes(1));
            put(store, record);
            clock.advance(Duration.ofMinutes(1).minusMillis(1));
            assertTrue(take(store, valueOf(record)).isPresent());
        }

        @Test
        @DisplayName("an unknown value is empty")
        void unknown() {
            assertEquals(Optional.empty(), take(store, TestData.token()));
        }

        @Test
        @DisplayName("storing the same value twice keeps the later record, still consumable once")
        void storedTwice() {
            String value = TestData.token();
            R first = record(value, Duration.ofMinutes(5));
            clock.advance(Duration.ofSeconds(1));
            R second = record(value, Duration.ofMinutes(10));
            put(store, first);
            put(store, second);
            assertEquals(Optional.of(second), take(store, value));
            assertEquals(Optional.empty(), take(store, value));
        }

        @Test
        @DisplayName("values are independent of each other")
        void independent() {
            List<R> records = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                records.add(record(TestData.token(), Duration.ofMinutes(5)));
                put(store, records.get(i));
            }
            Collections.reverse(records);
            for (R r : records) {
                assertEquals(Optional.of(r), take(store, valueOf(r)));
            }
        }

        @Test
        @DisplayName("null or blank values are rejected with IllegalArgumentException")
        void badInput() {
            assertThrows(IllegalArgumentException.class, () -> take(store, null));
            assertThrows(IllegalArgumentException.class, () -> take(store, "  "));
            assertThrows(IllegalArgumentException.class, () -> put(store, null));
        }

        abstract String valueOf(R record);
    }

    @Nested
    @DisplayName("states")
    class States extends OneTimeValueContract<StateRecord> {
        @Override
        StateRecord record(String value, Duration ttl) {
            return data.state(value, ttl);
        }

        @Override
        void put(TokenStore target, StateRecord record) {
            target.storeState(record);
        }

        @Override
        Optional<StateRecord> take(TokenStore target, String value) {
            return target.consumeState(value);
        }

        @Override
        String valueOf(StateRecord record) {
            return record.state();
        }

        @Test
        @DisplayName("optional fields may be null and come back null")
        void optionalFields() {
            StateRecord bare = new StateRecord(TestData.token(), "c", "https://x/cb", null, null, null, null, null,
                    data.now().plusSeconds(60), data.now());
            store.storeState(bare);
            assertEquals(Optional.of(bare), store.consumeState(bare.state()));
        }
    }

    @Nested
    @DisplayName("authorization codes")
    class AuthCodes extends OneTimeValueContract<AuthCodeRecord> {
        @Override
        AuthCodeRecord record(String value, Duration ttl) {
            return data.authCode(value, ttl);
        }

        @Override
        void put(TokenStore target, AuthCodeRecord record) {
            target.storeAuthCode(record);
        }

        @Override
        Optional<AuthCodeRecord> take(TokenStore target, String value) {
            return target.consumeAuthCode(value);
        }

        @Override
        String valueOf(AuthCodeRecord record) {
            return record.code();
        }
    }

    // ----------------------------------------------------------------------------------------
    // Sessions
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("sessions")
    class Sessions {
        @Test
        @DisplayName("a stored session is found by access token, id and refresh token, exactly as stored")
        void roundTrip() {
            StoredSession s = data.session();
            store.storeSession(s);
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("an access token never finds a session as a refresh token, nor the other way round")
        void keysDoNotMix() {
            StoredSession s = data.session();
            store.storeSession(s);
            assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.refreshToken()));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.accessToken()));
            assertEquals(Optional.empty(), store.loadSessionById(s.accessToken()));
        }

        @Test
        @DisplayName("deleteSessionsByUser also revokes the user's sessions whose access token has expired")
        void deleteByUserIncludesExpired() {
            StoredSession expired = data.session("carol");
            StoredSession live = data.session("sid-" + TestData.token(), "carol", Duration.ofHours(5), Duration.ofDays(2));
            store.storeSession(expired);
            store.storeSession(live);
            clock.set(expired.accessExpiresAt().plusSeconds(1));
            assertEquals(2, store.deleteSessionsByUser("carol"));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(expired.refreshToken()));
            assertEquals(Optional.empty(), store.loadSessionById(live.sessionId()));
        }

        @Test
        @DisplayName("a session without refresh or provider tokens round-trips with nulls")
        void minimalSession() {
            StoredSession s = new StoredSession("sid-" + TestData.token(), "local", UserInfo.of("local", "u-min"),
                    "at-" + TestData.token(), null, null, null, null, data.now().plusSeconds(600), null, null,
                    data.now());
            store.storeSession(s);
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("storing a session with the same id replaces it; the old tokens no longer find it")
        void replace() {
            StoredSession s = data.session();
            store.storeSession(s);
            StoredSession rotated = data.rotated(s);
            store.storeSession(rotated);
            assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.of(rotated), store.loadSessionByAccessToken(rotated.accessToken()));
            assertEquals(Optional.of(rotated), store.loadSessionByRefreshToken(rotated.refreshToken()));
            assertEquals(Optional.of(rotated), store.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("a dead access token but live refresh token: found by refresh token only")
        void accessExpiredRefreshLive() {
            StoredSession s = data.session();
            store.storeSession(s);
            clock.set(s.accessExpiresAt());
            assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("found by access token until one millisecond before accessExpiresAt")
        void accessLiveUntilExpiry() {
            StoredSession s = data.session();
            store.storeSession(s);
            clock.set(s.accessExpiresAt().minusMillis(1));
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("once the refresh token has expired, nothing finds the session")
        void refreshExpired() {
            StoredSession s = data.session();
            store.storeSession(s);
            clock.set(s.refreshExpiresAt());
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("delete by access token removes every way to find the session")
        void deleteByAccessToken() {
            StoredSession s = data.session();
            store.storeSession(s);
            assertTrue(store.deleteSessionByAccessToken(s.accessToken()));
            assertGone(s);
            assertFalse(store.deleteSessionByAccessToken(s.accessToken()));
        }

        @Test
        @DisplayName("delete by id removes every way to find the session")
        void deleteById() {
            StoredSession s = data.session();
            store.storeSession(s);
            assertTrue(store.deleteSessionById(s.sessionId()));
            assertGone(s);
            assertFalse(store.deleteSessionById(s.sessionId()));
            assertFalse(store.deleteSessionById("sid-unknown"));
        }

        @Test
        @DisplayName("delete works on a session whose access token has expired")
        void deleteExpired() {
            StoredSession s = data.session();
            store.storeSession(s);
            clock.set(s.accessExpiresAt().plusSeconds(1));
            assertTrue(store.deleteSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("deleteSessionsByUser revokes every session of that user and no other")
        void deleteByUser() {
            List<StoredSession> mine = List.of(data.session("alice"), data.session("alice"), data.session("alice"));
            StoredSession other = data.session("bob");
            mine.forEach(store::storeSession);
            store.storeSession(other);
            assertEquals(3, store.deleteSessionsByUser("alice"));
            mine.forEach(this::assertGone);
            assertEquals(Optional.of(other), store.loadSessionByAccessToken(other.accessToken()));
            assertEquals(0, store.deleteSessionsByUser("alice"));
            assertEquals(0, store.deleteSessionsByUser("nobody"));
        }

        @Test
        @DisplayName("many sessions stay isolated: each token finds its own session")
        void isolation() {
            List<StoredSession> sessions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sessions.add(data.session("user-" + (i % 7)));
                store.storeSession(sessions.get(i));
            }
            for (StoredSession s : sessions) {
                assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
                assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
                assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
            }
        }

        @Test
        @DisplayName("another session's access token is refused, and nothing is written")
        void duplicateAccessToken() {
            StoredSession s = data.session();
            store.storeSession(s);
            StoredSession thief = withTokens(data.session(), s.accessToken(), "rt-" + TestData.token());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.storeSession(thief));
            assertTrue(e.getMessage().contains("accessToken"), e.getMessage());
            assertEquals(Optional.empty(), store.loadSessionById(thief.sessionId()));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(thief.refreshToken()));
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
        }

        @Test
        @DisplayName("another session's refresh token is refused, and nothing is written")
        void duplicateRefreshToken() {
            StoredSession s = data.session();
            store.storeSession(s);
            StoredSession thief = withTokens(data.session(), "at-" + TestData.token(), s.refreshToken());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.storeSession(thief));
            assertTrue(e.getMessage().contains("refreshToken"), e.getMessage());
            assertEquals(Optional.empty(), store.loadSessionById(thief.sessionId()));
            assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("a token given up by a replaced session may be used by another session")
        void tokenReuseAfterReplace() {
            StoredSession s = data.session();
            store.storeSession(s);
            store.storeSession(data.rotated(s));
            StoredSession next = withTokens(data.session(), s.accessToken(), s.refreshToken());
            store.storeSession(next);
            assertEquals(Optional.of(next), store.loadSessionByAccessToken(s.accessToken()));
        }

        @Test
        @DisplayName("null or blank arguments are rejected with IllegalArgumentException")
        void badInput() {
            assertThrows(IllegalArgumentException.class, () -> store.storeSession(null));
            for (String bad : Arrays.asList(null, "", "  ")) {
                assertThrows(IllegalArgumentException.class, () -> store.loadSessionByAccessToken(bad));
                assertThrows(IllegalArgumentException.class, () -> store.loadSessionById(bad));
                assertThrows(IllegalArgumentException.class, () -> store.loadSessionByRefreshToken(bad));
                assertThrows(IllegalArgumentException.class, () -> store.deleteSessionByAccessToken(bad));
                assertThrows(IllegalArgumentException.class, () -> store.deleteSessionById(bad));
                assertThrows(IllegalArgumentException.class, () -> store.deleteSessionsByUser(bad));
            }
        }

        void assertGone(StoredSession s) {
            assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
            if (s.refreshToken() != null) {
                assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()));
            }
        }
    }

    /** {@code s} with other tokens. */
    protected static StoredSession withTokens(StoredSession s, String accessToken, String refreshToken) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), accessToken, refreshToken,
                s.providerAccessToken(), s.providerRefreshToken(), s.providerExpiresAt(), s.accessExpiresAt(),
                s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
    }

    // ----------------------------------------------------------------------------------------
    // Clients
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("refresh-token rotation")
    class Rotations extends RotationContract {
        @Override
        TokenStoreCompatibilityKit kit() {
            return TokenStoreCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("final writes: revocations and rotations are not undone")
    class Finality extends FinalityContract {
        @Override
        TokenStoreCompatibilityKit kit() {
            return TokenStoreCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("change feed")
    class Changes extends ChangeFeedContract {
        @Override
        TokenStoreCompatibilityKit kit() {
            return TokenStoreCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("clients")
    class Clients {
        @Test
        @DisplayName("a stored client is loaded exactly as stored, secret included")
        void roundTrip() {
            ClientRecord c = data.client("app-1");
            store.storeClient(c);
            assertEquals(Optional.of(c), store.loadClient("app-1"));
        }

        @Test
        @DisplayName("a public client (no secret, nothing optional) round-trips")
        void publicClient() {
            ClientRecord c = new ClientRecord("spa", null, null, null, null, null, null, null, data.now());
            store.storeClient(c);
            assertEquals(Optional.of(c), store.loadClient("spa"));
        }

        @Test
        @DisplayName("storing a client with the same id replaces it")
        void replace() {
            store.storeClient(data.client("app-1"));
            ClientRecord newer = data.client("app-1");
            store.storeClient(newer);
            assertEquals(Optional.of(newer), store.loadClient("app-1"));
            assertEquals(List.of(newer), store.listClients());
        }

        @Test
        @DisplayName("listClients returns every client, ordered by clientId")
        void list() {
            ClientRecord b = data.client("b-app");
            ClientRecord a = data.client("a-app");
            ClientRecord c = data.client("c-app");
            store.storeClient(b);
            store.storeClient(c);
            store.storeClient(a);
            assertEquals(List.of(a, b, c), store.listClients());
        }

        @Test
        @DisplayName("listClients orders ids by code point, not by a locale's collation")
        void codePointOrder() {
            ClientRecord lower = data.client("alpha");
            ClientRecord upper = data.client("Public");
            ClientRecord accented = data.client("\u00e9clair");
            List.of(lower, accented, upper).forEach(store::storeClient);
            assertEquals(List.of(upper, lower, accented), store.listClients());
        }

        @Test
        @DisplayName("delete removes the client; deleting again or an unknown id returns false")
        void delete() {
            store.storeClient(data.client("app-1"));
            assertTrue(store.deleteClient("app-1"));
            assertEquals(Optional.empty(), store.loadClient("app-1"));
            assertFalse(store.deleteClient("app-1"));
            assertEquals(List.of(), store.listClients());
        }

        @Test
        @DisplayName("null or blank ids are rejected with IllegalArgumentException")
        void badInput() {
            assertThrows(IllegalArgumentException.class, () -> store.storeClient(null));
            assertThrows(IllegalArgumentException.class, () -> store.loadClient(null));
            assertThrows(IllegalArgumentException.class, () -> store.loadClient(" "));
            assertThrows(IllegalArgumentException.class, () -> store.deleteClient(""));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Cleanup
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("cleanup")
    class Cleanup {
        @Test
        @DisplayName("removes exactly what can never be returned again, counts it per kind, keeps the rest")
        void exactCounts() {
            StateRecord liveState = data.state(TestData.token(), Duration.ofHours(3));
            store.storeState(data.state(TestData.token(), Duration.ofMinutes(1)));
            store.storeState(data.state(TestData.token(), Duration.ofMinutes(2)));
            store.storeState(liveState);
            AuthCodeRecord liveCode = data.authCode(TestData.token(), Duration.ofHours(3));
            for (int i = 0; i < 3; i++) {
                store.storeAuthCode(data.authCode(TestData.token(), Duration.ofMinutes(1)));
            }
            store.storeAuthCode(liveCode);
            StoredSession noRefresh = data.session("sid-" + TestData.token(), "u", Duration.ofMinutes(30), null);
            StoredSession refreshLive = data.session("sid-" + TestData.token(), "u", Duration.ofMinutes(30),
                    Duration.ofDays(1));
            StoredSession bothDead = data.session("sid-" + TestData.token(), "u", Duration.ofMinutes(30),
                    Duration.ofMinutes(40));
            StoredSession live = data.session("sid-" + TestData.token(), "u", Duration.ofHours(3), null);
            List.of(noRefresh, refreshLive, bothDead, live).forEach(store::storeSession);
            store.storeClient(data.client("kept"));

            clock.advance(Duration.ofHours(1));
            assertEquals(new CleanupResult(2, 3, 2), store.cleanupExpired());

            assertEquals(Optional.of(refreshLive), store.loadSessionByRefreshToken(refreshLive.refreshToken()));
            assertEquals(Optional.of(live), store.loadSessionById(live.sessionId()));
            assertTrue(store.loadClient("kept").isPresent());
            assertEquals(Optional.of(liveState), store.consumeState(liveState.state()));
            assertEquals(Optional.of(liveCode), store.consumeAuthCode(liveCode.code()));
        }

        @Test
        @DisplayName("is idempotent, and a no-op on an empty store")
        void idempotent() {
            assertEquals(CleanupResult.NONE, store.cleanupExpired());
            store.storeState(data.state(TestData.token(), Duration.ofMinutes(1)));
            clock.advance(Duration.ofMinutes(5));
            assertEquals(new CleanupResult(1, 0, 0), store.cleanupExpired());
            assertEquals(CleanupResult.NONE, store.cleanupExpired());
        }

        @Test
        @DisplayName("counts stay exact when more rows expire than fit in one cleanup chunk")
        void manyRows() {
            TokenStore small = openStore(b -> b.property("jdbc.cleanupChunkSize", "50"));
            for (int i = 0; i < 260; i++) {
                small.storeSession(data.session("sid-" + i, "u-" + (i % 5), Duration.ofMinutes(1), null));
            }
            StoredSession live = data.session("sid-live", "u-live", Duration.ofHours(2), null);
            small.storeSession(live);
            for (int i = 0; i < 120; i++) {
                small.storeState(data.state(TestData.token(), Duration.ofMinutes(1)));
            }
            clock.advance(Duration.ofMinutes(10));
            assertEquals(new CleanupResult(120, 0, 260), small.cleanupExpired());
            assertEquals(Optional.of(live), small.loadSessionById("sid-live"));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Security
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("security")
    class Security {
        private static final String ENCRYPTED_AT_REST = "the backend persists nothing (in-memory), so there is "
                + "no stored form to inspect and encryption at rest does not apply";

        @Test
        @DisplayName("no token, refresh token, provider token, code, state or client secret is stored in the clear")
        void nothingSecretInStoredBytes() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession s = data.session("marker-user-" + TestData.token().substring(0, 8));
            ClientRecord client = data.client("marker-client");
            StateRecord state = data.state();
            AuthCodeRecord code = data.authCode();
            store.storeSession(s);
            store.storeClient(client);
            store.storeState(state);
            store.storeAuthCode(code);
            store.close();

            String raw = new String(storage.rawBytes().orElseThrow(), StandardCharsets.ISO_8859_1);
            assertTrue(raw.contains("marker-client"), "the raw dump must show the stored data at all");
            Map<String, String> secrets = new LinkedHashMap<>();
            secrets.put("accessToken", s.accessToken());
            secrets.put("refreshToken", s.refreshToken());
            secrets.put("providerAccessToken", s.providerAccessToken());
            secrets.put("providerRefreshToken", s.providerRefreshToken());
            secrets.put("clientSecret", client.clientSecret());
            secrets.put("state", state.state());
            secrets.put("providerCodeVerifier", state.providerCodeVerifier());
            secrets.put("code", code.code());
            secrets.put("state.codeChallenge", state.codeChallenge());
            secrets.put("state.clientState", state.clientState());
            secrets.put("code.codeChallenge", code.codeChallenge());
            secrets.put("sessionId", s.sessionId());
            secrets.put("code.sessionId", code.sessionId());
            secrets.forEach((field, value) -> {
                // Every test value ends in a random 43-character token; that part must not appear.
                String random = value.substring(value.length() - 43);
                assertFalse(raw.contains(random), field + " is stored in the clear");
            });
            // Identifying data: the user id (also inside the profile), email, name, username.
            Map<String, String> identifying = new LinkedHashMap<>();
            identifying.put("userId", s.userId());
            identifying.put("email", s.userInfo().email());
            identifying.put("name", s.userInfo().name());
            identifying.put("username", s.userInfo().username());
            identifying.forEach((field, value) -> assertFalse(raw.contains(value), field + " is stored in the clear"));
        }

        @Test
        @DisplayName("an encrypted value swapped between two rows fails with TokenStoreException, never returns "
                + "the other row's data")
        void swappedBetweenRows() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession a = data.session();
            StoredSession b = data.session();
            store.storeSession(a);
            store.storeSession(b);
            store.storeClient(data.client("app-a"));
            store.storeClient(data.client("app-b"));
            store.close();
            Optional<Integer> swapped = storage.swapEncryptedValuesBetweenRows();
            assumeTrue(swapped.isPresent(), "the backend's storage cannot be changed from the test");
            assertTrue(swapped.get() > 0, "nothing encrypted was found to swap");
            TokenStore reopened = openStore();
            for (StoredSession s : List.of(a, b)) {
                assertThrows(TokenStoreException.class, () -> reopened.loadSessionByAccessToken(s.accessToken()));
                assertThrows(TokenStoreException.class, () -> reopened.loadSessionById(s.sessionId()));
                assertThrows(TokenStoreException.class, () -> reopened.loadSessionByRefreshToken(s.refreshToken()));
            }
            assertThrows(TokenStoreException.class, () -> reopened.loadClient("app-a"));
            assertThrows(TokenStoreException.class, () -> reopened.loadClient("app-b"));
        }

        @Test
        @DisplayName("a lookup answers only with a session that holds the presented token, even if its row's hash was pointed at it")
        void lookupHashPointedAtAnotherRow() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession victim = data.session();
            StoredSession attacker = data.session();
            store.storeSession(victim);
            store.storeSession(attacker);
            store.close();
            Optional<Integer> swapped = storage.swapTokenHashesBetweenRows();
            assumeTrue(swapped.isPresent(), "the backend's storage cannot be changed from the test");
            assertEquals(2, swapped.get(), "the access and refresh hash columns were swapped");
            TokenStore reopened = openStore();
            for (StoredSession s : List.of(victim, attacker)) {
                assertEquals(Optional.empty(), reopened.loadSessionByAccessToken(s.accessToken()),
                        "the row found by this access token's hash holds another token");
                assertEquals(Optional.empty(), reopened.loadSessionByRefreshToken(s.refreshToken()),
                        "the row found by this refresh token's hash holds another token");
                assertEquals(dev.tokenstore.Rotation.NOT_FOUND, reopened.rotateSession(s.refreshToken(), data.rotated(s)),
                        "a rotation finds nothing either");
            }
            assertEquals(Optional.of(victim), reopened.loadSessionById(victim.sessionId()), "by id the row is intact");
        }

        @Test
        @DisplayName("of two stores opening a new database at once with different keys under one key id, exactly one opens")
        void firstKeyCheckIsAtomic() throws Exception {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            byte[] otherKey = "another-key-of-exactly-32-bytes!".getBytes(StandardCharsets.US_ASCII);
            for (int attempt = 0; attempt < 6; attempt++) {
                TestStorage fresh = extraStorage();
                List<Object> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                Concurrent.run(2, i -> {
                    start.await();
                    try {
                        outcomes.add(openRaw(fresh, b -> b.encryptionKey(i == 0 ? TEST_KEY : otherKey)));
                    } catch (TokenStoreException e) {
                        outcomes.add(e);
                    }
                });
                List<TokenStoreException> failed = outcomes.stream().filter(o -> o instanceof TokenStoreException)
                        .map(o -> (TokenStoreException) o).toList();
                assertEquals(1, failed.size(), "attempt " + attempt + ": exactly one of the two opens fails: " + failed);
                assertTrue(failed.get(0).getMessage().contains("'" + TokenStoreOptions.DEFAULT_KEY_ID + "'"),
                        failed.get(0).getMessage());
                TokenStore winner = (TokenStore) outcomes.stream().filter(o -> o instanceof TokenStore).findFirst()
                        .orElseThrow();
                StoredSession s = data.session();
                winner.storeSession(s);
                assertEquals(Optional.of(s), winner.loadSessionByAccessToken(s.accessToken()));
            }
        }

        @Test
        @DisplayName("encrypted values swapped between two columns of a row fail with TokenStoreException")
        void swappedBetweenColumns() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession a = data.session();
            StateRecord state = data.state();
            AuthCodeRecord code = data.authCode();
            store.storeSession(a);
            store.storeState(state);
            store.storeAuthCode(code);
            store.close();
            Optional<Integer> swapped = storage.swapEncryptedValuesBetweenColumns();
            assumeTrue(swapped.isPresent(), "the backend's storage cannot be changed from the test");
            assertTrue(swapped.get() >= 3, "a session, a state and a code each hold two encrypted values or more");
            TokenStore reopened = openStore();
            assertThrows(TokenStoreException.class, () -> reopened.loadSessionByAccessToken(a.accessToken()));
            assertThrows(TokenStoreException.class, () -> reopened.consumeState(state.state()));
            assertThrows(TokenStoreException.class, () -> reopened.consumeAuthCode(code.code()));
        }

        @Test
        @DisplayName("re-encryption leaves nothing under the old key id; a store without the old key reads everything")
        void reencryptionRetiresTheOldKey() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession s = data.session();
            StoredSession rotating = data.session();
            ClientRecord client = data.client("app");
            StateRecord state = data.state();
            AuthCodeRecord code = data.authCode();
            store.storeSession(s);
            store.storeSession(rotating);
            StoredSession rotated = data.rotated(rotating);
            store.rotateSession(rotating.refreshToken(), rotated); // leaves a retired refresh token row
            store.storeClient(client);
            store.storeState(state);
            store.storeAuthCode(code);
            store.close();

            byte[] newKey = "the-new-primary-key-32-bytes-ok!".getBytes(StandardCharsets.US_ASCII);
            Map<String, byte[]> ring = new LinkedHashMap<>();
            ring.put(TokenStoreOptions.DEFAULT_KEY_ID, TEST_KEY);
            ring.put("k2", newKey);
            TokenStore both = openStore(b -> b.encryptionKeys(ring, "k2"));
            assertTrue(both.features().keyRotation().isPresent(),
                    "a store that encrypts at rest offers KeyRotation, through every wrapping: " + both.getClass());
            dev.tokenstore.KeyRotation rotation = both.features().keyRotation().orElseThrow();
            assertTrue(rotation.valuesByKeyId().getOrDefault(TokenStoreOptions.DEFAULT_KEY_ID, 0L) > 0);
            dev.tokenstore.KeyRotation.ReencryptionReport report = rotation.reencrypt(2); // small chunks
            assertTrue(report.rowsRewritten() >= 6, report.toString());
            assertFalse(report.valuesByKeyId().containsKey(TokenStoreOptions.DEFAULT_KEY_ID), report.toString());
            assertFalse(rotation.valuesByKeyId().containsKey(TokenStoreOptions.DEFAULT_KEY_ID));
            assertEquals(0, rotation.reencrypt(2).rowsRewritten(), "a second run has nothing left to do");
            both.close();

            TokenStore newOnly = openStore(b -> b.encryptionKeys(Map.of("k2", newKey), "k2"));
            assertEquals(Optional.of(s), newOnly.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), newOnly.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(rotated), newOnly.loadSessionByRefreshToken(rotated.refreshToken()));
            assertEquals(Optional.of(client), newOnly.loadClient("app"));
            assertEquals(Optional.of(state), newOnly.consumeState(state.state()));
            assertEquals(Optional.of(code), newOnly.consumeAuthCode(code.code()));
            dev.tokenstore.Rotation again = newOnly.rotateSession(rotating.refreshToken(), data.rotated(rotated));
            assertTrue(again instanceof dev.tokenstore.Rotation.Reused
                    || again instanceof dev.tokenstore.Rotation.AlreadyRotated,
                    "the retired token's row still names its session: " + again);
            assertEquals(1, newOnly.deleteSessionsByUser(s.userId()), "the user index was rewritten too");
        }

        @ParameterizedTest(name = "{0} format(s) back")
        @ValueSource(ints = {1, 2})
        @DisplayName("a database written in an earlier storage format migrates on open and reads back")
        void earlierFormatMigrates(int stepsBack) {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession s = data.session();
            ClientRecord client = data.client("app");
            StateRecord state = data.state();
            AuthCodeRecord code = data.authCode();
            store.close();
            assumeTrue(storage.writeEarlierFormat(stepsBack, options().build(), List.of(s), List.of(client),
                    List.of(state), List.of(code)), "the backend has no format " + stepsBack + " back to write");
            TokenStore migrated = openStore();
            assertEquals(Optional.of(s), migrated.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), migrated.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(s), migrated.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.of(client), migrated.loadClient("app"));
            assertEquals(Optional.of(state), migrated.consumeState(state.state()));
            assertEquals(Optional.of(code), migrated.consumeAuthCode(code.code()));
            assertEquals(1, migrated.deleteSessionsByUser(s.userId()));
        }

        @Test
        @DisplayName("a store opened with the wrong key fails at open, naming the key id and no key material")
        void wrongKey() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            StoredSession s = data.session();
            store.storeSession(s);
            store.storeClient(data.client("app"));
            store.close();
            byte[] otherKey = "another-key-of-exactly-32-bytes!".getBytes(StandardCharsets.US_ASCII);
            TokenStoreException e = assertThrows(TokenStoreException.class,
                    () -> openStore(b -> b.encryptionKey(otherKey)));
            assertTrue(e.getMessage().contains("'" + TokenStoreOptions.DEFAULT_KEY_ID + "'"), e.getMessage());
            assertFalse(e.getMessage().contains("another-key") || e.getMessage().contains("tokenstore-tck-test-key"),
                    "no key material in the message");
            byte[] added = "a-brand-new-primary-key-32-bytes".getBytes(StandardCharsets.US_ASCII);
            Map<String, byte[]> ring = new LinkedHashMap<>();
            ring.put(TokenStoreOptions.DEFAULT_KEY_ID, TEST_KEY);
            ring.put("k-new", added);
            TokenStore withNewPrimary = openStore(b -> b.encryptionKeys(ring, "k-new"));
            assertEquals(Optional.of(s), withNewPrimary.loadSessionByAccessToken(s.accessToken()),
                    "adding a new primary key to the ring is fine");
        }

        @Test
        @DisplayName("keys rotate: old rows still decrypt, new rows use the new primary key")
        void keyRotation() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            StoredSession old = data.session();
            store.storeSession(old);
            store.close();
            byte[] newKey = "the-new-primary-key-32-bytes-ok!".getBytes(StandardCharsets.US_ASCII);
            Map<String, byte[]> ring = new LinkedHashMap<>();
            ring.put(TokenStoreOptions.DEFAULT_KEY_ID, TEST_KEY);
            ring.put("k2", newKey);
            TokenStore rotated = openStore(b -> b.encryptionKeys(ring, "k2"));
            assertEquals(Optional.of(old), rotated.loadSessionByAccessToken(old.accessToken()));
            StoredSession fresh = data.session();
            rotated.storeSession(fresh);
            rotated.close();
            TokenStore oldKeyOnly = openStore(b -> b);
            assertThrows(TokenStoreException.class, () -> oldKeyOnly.loadSessionByAccessToken(fresh.accessToken()));
            TokenStore newKeyRing = openStore(b -> b.encryptionKeys(ring, "k2"));
            assertEquals(Optional.of(fresh), newKeyRing.loadSessionByAccessToken(fresh.accessToken()));
        }

        @Test
        @DisplayName("tampered encrypted values fail with TokenStoreException")
        void tampered() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            StoredSession s = data.session();
            store.storeSession(s);
            store.storeClient(data.client("app"));
            store.close();
            Optional<Integer> changed = storage.corruptEncryptedValues();
            assumeTrue(changed.isPresent(), "the backend's storage cannot be tampered with from the test");
            assertTrue(changed.get() > 0, "nothing encrypted was found to tamper with");
            TokenStore reopened = openStore();
            assertThrows(TokenStoreException.class, () -> reopened.loadSessionByAccessToken(s.accessToken()));
            assertThrows(TokenStoreException.class, () -> reopened.loadClient("app"));
        }

        @Test
        @DisplayName("without a key the store refuses to open unless plaintext is allowed; a key in "
                + "TOKENSTORE_ENCRYPTION_KEY is used")
        void plaintextOnlyWhenAllowed() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            // The environment is the options' (not this JVM's), so both branches run wherever the kit does.
            TestStorage fresh = extraStorage();
            TokenStoreOptions noKey = TokenStoreOptions.builder().environment(name -> null).clock(clock).build();
            TokenStoreException e = assertThrows(TokenStoreException.class, () -> track(fresh.open(noKey)));
            assertTrue(e.getMessage().contains("encryption key"), e.getMessage());
            TokenStore plain = track(decorate(track(fresh.open(noKey.toBuilder().allowPlaintext(true).build()))));
            StoredSession s = data.session();
            plain.storeSession(s);
            assertEquals(Optional.of(s), plain.loadSessionByAccessToken(s.accessToken()));

            String base64Key = java.util.Base64.getEncoder().encodeToString(TEST_KEY);
            TokenStoreOptions keyFromEnv = TokenStoreOptions.builder().clock(clock)
                    .environment(Map.of(TokenStoreOptions.ENCRYPTION_KEY_ENV, base64Key)::get).build();
            TokenStore keyed = track(decorate(track(storage.open(keyFromEnv))));
            StoredSession secret = data.session();
            keyed.storeSession(secret);
            assertEquals(Optional.of(secret), keyed.loadSessionByAccessToken(secret.accessToken()));
            keyed.close();
            String stored = new String(storage.rawBytes().orElseThrow(), StandardCharsets.ISO_8859_1);
            assertFalse(stored.contains(secret.accessToken()), "the key from the environment encrypts");
            assertEquals(Optional.of(secret), openStore().loadSessionByAccessToken(secret.accessToken()),
                    "the kit's own key (the same bytes, given to the builder) reads it");
        }

        @Test
        @DisplayName("a database written without a key is taken over by keys plus allowPlaintext, re-encrypted, "
                + "then read by the keys alone")
        void plaintextTakenOverByAKey() {
            assumeTrue(storage.rawBytes().isPresent(), ENCRYPTED_AT_REST);
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            TestStorage fresh = extraStorage();
            TokenStoreOptions noKey = TokenStoreOptions.builder().environment(name -> null).clock(clock).build();
            TokenStore plain = track(decorate(track(fresh.open(noKey.toBuilder().allowPlaintext(true).build()))));
            StoredSession s = data.session();
            ClientRecord client = data.client("app");
            StateRecord state = data.state();
            plain.storeSession(s);
            plain.storeClient(client);
            plain.storeState(state);
            plain.close();

            TokenStoreOptions keyed = noKey.toBuilder().encryptionKey(TEST_KEY).build();
            TokenStore strict = track(decorate(track(fresh.open(keyed))));
            TokenStoreException refused = assertThrows(TokenStoreException.class, () -> strict.loadClient("app"));
            assertTrue(refused.getMessage().contains("allowPlaintext"), refused.getMessage());
            strict.close();

            TokenStore takeover = track(decorate(track(fresh.open(keyed.toBuilder().allowPlaintext(true).build()))));
            assertEquals(Optional.of(s), takeover.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(client), takeover.loadClient("app"));
            dev.tokenstore.KeyRotation rotation = takeover.features().keyRotation().orElseThrow();
            assertTrue(rotation.valuesByKeyId().getOrDefault("plaintext", 0L) > 0, rotation.valuesByKeyId().toString());
            dev.tokenstore.KeyRotation.ReencryptionReport report = rotation.reencrypt(1);
            assertTrue(report.rowsRewritten() >= 3, report.toString());
            assertFalse(rotation.valuesByKeyId().containsKey("plaintext"), rotation.valuesByKeyId().toString());
            takeover.close();

            TokenStore keysOnly = track(decorate(track(fresh.open(keyed))));
            assertEquals(Optional.of(s), keysOnly.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(client), keysOnly.loadClient("app"));
            assertEquals(Optional.of(state), keysOnly.consumeState(state.state()));
            assertEquals(1, keysOnly.deleteSessionsByUser(s.userId()), "the user index was rewritten with the key");
            keysOnly.close();
            // (not checked in the raw bytes: SQLite keeps freed pages until VACUUM, see the README)
        }
    }

    // ----------------------------------------------------------------------------------------
    // Bad and odd input
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("odd input")
    class OddInput {
        private static final String INJECTION = "'; DROP TABLE sessions; --";
        private static final String UNICODE = "ユーザー-🚀-עברית-Ωμέγα-\u00e9\u0301";

        @Test
        @DisplayName("SQL-looking and Unicode values are stored and read back verbatim")
        void verbatim() {
            UserInfo user = new UserInfo("github", INJECTION, UNICODE, "o'brien@example.com", INJECTION,
                    "https://x/" + UNICODE, Map.of("quote", "\"'\\", "emoji", UNICODE), List.of(INJECTION),
                    List.of(UNICODE));
            StoredSession s = new StoredSession(INJECTION + TestData.token(), UNICODE, user,
                    INJECTION + TestData.token(), UNICODE + TestData.token(), INJECTION, UNICODE, null,
                    data.now().plusSeconds(600), data.now().plusSeconds(6000), data.now(), data.now());
            store.storeSession(s);
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));

            ClientRecord client = new ClientRecord(INJECTION, UNICODE, INJECTION, List.of(INJECTION),
                    List.of(UNICODE), List.of(), INJECTION, UNICODE, data.now());
            store.storeClient(client);
            assertEquals(Optional.of(client), store.loadClient(INJECTION));
            StateRecord state = new StateRecord(INJECTION + UNICODE, INJECTION, UNICODE, INJECTION, UNICODE,
                    INJECTION, UNICODE, List.of(INJECTION), data.now().plusSeconds(60), data.now());
            store.storeState(state);
            assertEquals(Optional.of(state), store.consumeState(state.state()));
            assertEquals(1, store.deleteSessionsByUser(INJECTION));
            StoredSession after = data.session();
            store.storeSession(after);
            assertEquals(Optional.of(after), store.loadSessionById(after.sessionId()), "tables still intact");
        }

        @Test
        @DisplayName("a 60 KB profile and 8 KB tokens are stored and read back verbatim")
        void large() {
            Map<String, Object> profile = new LinkedHashMap<>();
            profile.put("bio", "x".repeat(60 * 1024));
            profile.put("nested", Map.of("list", List.of(1, 2, 3), "flag", true));
            profile.put("followers", 9_000_000_000L);
            profile.put("company", null);
            profile.put("score", 4.25);
            UserInfo user = new UserInfo("github", "big-user", null, null, null, null, profile, List.of(), List.of());
            StoredSession s = new StoredSession("sid-big", "github", user, "a".repeat(8192) + TestData.token(),
                    "r".repeat(8192) + TestData.token(), "p".repeat(8192), null, null, data.now().plusSeconds(60),
                    data.now().plusSeconds(120), data.now(), data.now());
            store.storeSession(s);
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
        }

        @Test
        @DisplayName("records missing a required field cannot be built, so cannot be stored half-filled")
        void requiredFields() {
            assertThrows(IllegalArgumentException.class, () -> new StoredSession("sid", "github",
                    UserInfo.of("github", "u"), "at", null, null, null, null, null, null, null, data.now()));
            assertThrows(IllegalArgumentException.class, () -> new AuthCodeRecord("c", null, "client", "r", null,
                    null, null, data.now(), data.now()));
            assertThrows(IllegalArgumentException.class, () -> new StateRecord("s", "client", "r", null, null,
                    null, null, null, null, data.now()));
            assertThrows(IllegalArgumentException.class, () -> new ClientRecord(" ", null, null, null, null, null,
                    null, null, data.now()));
        }
    }

    @Nested
    @DisplayName("input limits")
    class Limits {
        private final LimitCases cases = new LimitCases(data);

        @Test
        @DisplayName("a session with every string at its limit (3-byte characters in ids, JSON-escaped ones elsewhere, a profile of exactly the JSON limit) round-trips")
        void sessionAtLimits() {
            StoredSession s = cases.sessionAtLimits(LimitCases.profileOfJsonLength(0));
            store.storeSession(s);
            assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
            assertEquals(1, store.deleteSessionsByUser(s.userId()));
        }

        @Test
        @DisplayName("a profile nested to the depth limit round-trips")
        void profileAtDepthLimit() {
            StoredSession base = data.session("u-deep");
            UserInfo user = new UserInfo("github", "u-deep", null, null, null, null,
                    LimitCases.profileOfDepth(dev.tokenstore.RecordLimits.PROFILE_DEPTH), List.of(), List.of());
            StoredSession s = new StoredSession(base.sessionId(), "github", user, base.accessToken(), null, null, null,
                    null, base.accessExpiresAt(), null, null, base.createdAt());
            store.storeSession(s);
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        }

        @Test
        @DisplayName("a client, a state and a code with every string at its limit round-trip")
        void othersAtLimits() {
            ClientRecord client = cases.clientAtLimits();
            store.storeClient(client);
            assertEquals(Optional.of(client), store.loadClient(client.clientId()));
            StateRecord state = cases.stateAtLimits();
            store.storeState(state);
            assertEquals(Optional.of(state), store.consumeState(state.state()));
            AuthCodeRecord code = cases.codeAtLimits();
            store.storeAuthCode(code);
            assertEquals(Optional.of(code), store.consumeAuthCode(code.code()));
        }

        @TestFactory
        @DisplayName("one past each limit is refused with IllegalArgumentException naming the field and the limit; nothing is written")
        Stream<DynamicTest> onePast() {
            return cases.onePast().stream().map(bad -> DynamicTest.dynamicTest(bad.field(), () -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.build().get());
                assertTrue(e.getMessage().contains(bad.field()) && e.getMessage().contains(bad.mention()),
                        () -> "message should name " + bad.field() + " and " + bad.mention() + ": " + e.getMessage());
                assertEquals(0, store.deleteSessionsByUser("u-limit"), "nothing written");
                assertTrue(store.listClients().isEmpty(), "nothing written");
            }));
        }

        @TestFactory
        @DisplayName("NUL is refused in every string field, nested profile keys and values included")
        Stream<DynamicTest> nul() {
            return cases.nul().stream().map(bad -> DynamicTest.dynamicTest(bad.field(), () -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.build().get());
                assertTrue(e.getMessage().startsWith(bad.field() + " ") && e.getMessage().contains("NUL"),
                        () -> "message should name " + bad.field() + " and NUL: " + e.getMessage());
                assertFalse(e.getMessage().contains("a\u0000b"), "the value is not echoed");
            }));
        }

        @Test
        @DisplayName("a lone surrogate (which UTF-8 drivers would silently replace) is refused")
        void loneSurrogate() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UserInfo.of("github", "u\ud800x"));
            assertTrue(e.getMessage().contains("userInfo.userId") && e.getMessage().contains("surrogate"),
                    e.getMessage());
        }

        @Test
        @DisplayName("looking up, deleting or consuming by a key holding NUL finds nothing, on every backend")
        void nulKeysFindNothing() {
            String n = "sid\u0000x";
            assertEquals(Optional.empty(), store.loadSessionById(n));
            assertEquals(Optional.empty(), store.loadSessionByAccessToken(n));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(n));
            assertFalse(store.deleteSessionById(n));
            assertFalse(store.deleteSessionByAccessToken(n));
            assertEquals(0, store.deleteSessionsByUser(n));
            assertEquals(Optional.empty(), store.loadClient(n));
            assertFalse(store.deleteClient(n));
            assertEquals(Optional.empty(), store.consumeState(n));
            assertEquals(Optional.empty(), store.consumeAuthCode(n));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Concurrency
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("concurrency")
    class Concurrency {
        private static final int THREADS = 16;
        private static final int VALUES = 200;

        @Test
        @DisplayName("16 threads racing for the same 200 codes and 200 states: exactly one winner each")
        void oneTimeRace() throws Exception {
            raceOneTimeValues(List.of(store));
        }

        @Test
        @DisplayName("the same race across two store instances over the same data: exactly one winner each")
        void oneTimeRaceAcrossInstances() throws Exception {
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            raceOneTimeValues(List.of(store, openStore()));
        }

        private void raceOneTimeValues(List<TokenStore> instances) throws Exception {
            List<String> codes = new ArrayList<>();
            List<String> states = new ArrayList<>();
            for (int i = 0; i < VALUES; i++) {
                AuthCodeRecord code = data.authCode();
                StateRecord state = data.state();
                instances.get(0).storeAuthCode(code);
                instances.get(0).storeState(state);
                codes.add(code.code());
                states.add(state.state());
            }
            Map<String, AtomicInteger> wins = new ConcurrentHashMap<>();
            Concurrent.run(THREADS, thread -> {
                TokenStore mine = instances.get(thread % instances.size());
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < VALUES; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new java.util.Random(thread));
                for (int i : order) {
                    mine.consumeAuthCode(codes.get(i)).ifPresent(c -> count(wins, "code:" + c.code()));
                    mine.consumeState(states.get(i)).ifPresent(s -> count(wins, "state:" + s.state()));
                }
            });
            assertEquals(2 * VALUES, wins.size(), "every value is consumed by someone");
            wins.forEach((value, n) -> assertEquals(1, n.get(), "winners for one value"));
        }

        @Test
        @DisplayName("8 writers and readers at once: no error, no lost write")
        void writersAndReaders() throws Exception {
            int perThread = 60;
            Concurrent.run(8, thread -> {
                for (int i = 0; i < perThread; i++) {
                    StoredSession s = data.session("writer-" + thread);
                    store.storeSession(s);
                    assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
                    store.listClients();
                }
            });
            for (int thread = 0; thread < 8; thread++) {
                assertEquals(perThread, store.deleteSessionsByUser("writer-" + thread));
            }
        }

        @Test
        @DisplayName("16 threads storing, deleting and revoking the same 40 sessions of 4 users: no error, and "
                + "every session left is whole")
        void writersOnTheSameSessionsAndUsers() throws Exception {
            List<TokenStore> instances = storage.sharesData() ? List.of(store, openStore()) : List.of(store);
            // Half the sessions are only ever rewritten (their users are never revoked), so they must all be
            // left; the other half race writes against deletes and revocations, so any number may be left.
            List<StoredSession> kept = new ArrayList<>();
            List<StoredSession> racing = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                kept.add(data.session("kept-" + i + "-" + TestData.token().substring(0, 8), "kept-user-" + (i % 2),
                        Duration.ofHours(1), Duration.ofDays(1)));
                racing.add(data.session("race-" + i + "-" + TestData.token().substring(0, 8), "race-user-" + (i % 4),
                        Duration.ofHours(1), Duration.ofDays(1)));
            }
            kept.forEach(store::storeSession);
            Concurrent.run(THREADS, thread -> {
                TokenStore mine = instances.get(thread % instances.size());
                java.util.Random random = new java.util.Random(thread);
                for (int n = 0; n < 40; n++) {
                    boolean keep = random.nextBoolean();
                    StoredSession s = (keep ? kept : racing).get(random.nextInt(20));
                    switch (keep ? 2 : random.nextInt(6)) {
                        case 0 -> mine.deleteSessionsByUser(s.userId());
                        case 1 -> mine.deleteSessionById(s.sessionId());
                        // fresh tokens: no conflict between sessions; a revoked racing session is refused
                        default -> storeUnlessRevoked(mine, data.rotated(s), !keep);
                    }
                }
            });
            // a fresh instance where there are two: a wrapper's memory of what it read is not the point here
            TokenStore checker = instances.size() > 1 ? openStore() : store;
            assertEquals(kept.size(), wholeSessionsLeft(checker, kept), "every session that was only rewritten is left");
            int racingLeft = wholeSessionsLeft(checker, racing);
            int revoked = 0;
            for (int user = 0; user < 4; user++) {
                revoked += checker.deleteSessionsByUser("race-user-" + user);
            }
            assertEquals(racingLeft, revoked, "revoking the racing users removes exactly the racing sessions left");
            assertEquals(0, wholeSessionsLeft(checker, racing));
            assertEquals(kept.size(), wholeSessionsLeft(checker, kept), "revoking other users leaves these alone");
        }

        /** Stores {@code s}; where {@code mayBeRevoked}, a refusal because it was revoked is an outcome too. */
        private void storeUnlessRevoked(TokenStore target, StoredSession s, boolean mayBeRevoked) {
            try {
                target.storeSession(s);
            } catch (TokenStoreException e) {
                if (!mayBeRevoked || e.kind() != TokenStoreException.Kind.REFUSED) {
                    throw e;
                }
            }
        }

        /** How many of {@code sessions} are found by id; each one found must be found by both of its tokens too. */
        private int wholeSessionsLeft(TokenStore checker, List<StoredSession> sessions) {
            int left = 0;
            for (StoredSession s : sessions) {
                Optional<StoredSession> found = checker.loadSessionById(s.sessionId());
                if (found.isPresent()) {
                    left++;
                    assertEquals(s.userId(), found.get().userId());
                    assertEquals(found, checker.loadSessionByAccessToken(found.get().accessToken()), "found by its access token");
                    assertEquals(found, checker.loadSessionByRefreshToken(found.get().refreshToken()), "by its refresh token");
                }
            }
            return left;
        }

        private void count(Map<String, AtomicInteger> wins, String key) {
            wins.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    // ----------------------------------------------------------------------------------------
    // Lifecycle
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {
        @Test
        @DisplayName("after close every call throws IllegalStateException; closing twice is harmless")
        void closed() {
            store.storeClient(data.client("app"));
            store.close();
            store.close();
            assertThrows(IllegalStateException.class, () -> store.loadClient("app"));
            assertThrows(IllegalStateException.class, () -> store.storeSession(data.session()));
            assertThrows(IllegalStateException.class, () -> store.consumeState(TestData.token()));
            assertThrows(IllegalStateException.class, () -> store.cleanupExpired());
            StoredSession s = data.session();
            assertThrows(IllegalStateException.class, () -> store.storeState(data.state()));
            assertThrows(IllegalStateException.class, () -> store.storeAuthCode(data.authCode()));
            assertThrows(IllegalStateException.class, () -> store.consumeAuthCode(TestData.token()));
            assertThrows(IllegalStateException.class, () -> store.loadSessionByAccessToken(s.accessToken()));
            assertThrows(IllegalStateException.class, () -> store.loadSessionById(s.sessionId()));
            assertThrows(IllegalStateException.class, () -> store.loadSessionByRefreshToken(s.refreshToken()));
            assertThrows(IllegalStateException.class, () -> store.deleteSessionByAccessToken(s.accessToken()));
            assertThrows(IllegalStateException.class, () -> store.deleteSessionById(s.sessionId()));
            assertThrows(IllegalStateException.class, () -> store.deleteSessionsByUser(s.userId()));
            assertThrows(IllegalStateException.class, () -> store.storeClient(data.client("other")));
            assertThrows(IllegalStateException.class, () -> store.listClients());
            assertThrows(IllegalStateException.class, () -> store.deleteClient("app"));
        }

        @Test
        @DisplayName("data survives closing and reopening the store")
        void reopen() {
            assumeTrue(storage.sharesData(), "the backend cannot open a second store over the same data");
            StoredSession s = data.session();
            StateRecord state = data.state();
            store.storeSession(s);
            store.storeState(state);
            store.close();
            TokenStore reopened = openStore();
            assertEquals(Optional.of(s), reopened.loadSessionByRefreshToken(s.refreshToken()));
            assertEquals(Optional.of(state), reopened.consumeState(state.state()));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Bulk and transactions
    // ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("bulk and transactions")
    class Bulk {
        @Test
        @DisplayName("bulkStoreSessions leaves exactly what looping storeSession leaves, duplicates included")
        void bulkStoreParity() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            TokenStore looped = openStore(extraStorage());
            List<StoredSession> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                batch.add(data.session("bulk-user-" + (i % 4)));
            }
            batch.add(data.rotated(batch.get(3)));
            batch.add(data.rotated(batch.get(7)));
            batch.add(batch.get(10));
            store.features().bulk().orElseThrow().bulkStoreSessions(batch);
            batch.forEach(looped::storeSession);
            assertSameSessions(batch, store, looped);
        }

        @Test
        @DisplayName("bulkDeleteSessionsByHash refuses a malformed entry up front, naming its index, and deletes nothing")
        void bulkDeleteRefusesMalformedHash() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            StoredSession a = data.session();
            StoredSession b = data.session();
            store.storeSession(a);
            store.storeSession(b);
            for (String bad : new String[] {"not-a-hash", a.accessTokenHash().toUpperCase(java.util.Locale.ROOT),
                    a.accessTokenHash().substring(1), " " + a.accessTokenHash().substring(1)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> store.features().bulk().orElseThrow().bulkDeleteSessionsByHash(List.of(a.accessTokenHash(), bad,
                                b.accessTokenHash())));
                assertTrue(e.getMessage().contains("accessTokenHashes[1]"), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> store.features().bulk().orElseThrow().bulkDeleteSessionsByHash(
                    java.util.Arrays.asList(a.accessTokenHash(), null)));
            assertEquals(Optional.of(a), store.loadSessionByAccessToken(a.accessToken()), "nothing was deleted");
            assertEquals(Optional.of(b), store.loadSessionByAccessToken(b.accessToken()), "nothing was deleted");
        }

        @Test
        @DisplayName("sessions deleted in bulk are revoked: a later bulk or single write of one is refused, the batch not written")
        void bulkRevocationIsFinal() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            BulkSessionStore bulk = store.features().bulk().orElseThrow();
            StoredSession revoked = data.session();
            StoredSession rotated = data.session();
            store.storeSession(revoked);
            store.storeSession(rotated);
            assertEquals(1, bulk.bulkDeleteSessionsByHash(List.of(revoked.accessTokenHash())));
            TokenStoreException single = assertThrows(TokenStoreException.class, () -> store.storeSession(revoked));
            assertEquals(TokenStoreException.Kind.REFUSED, single.kind());
            StoredSession fresh = data.session();
            TokenStoreException batch = assertThrows(TokenStoreException.class,
                    () -> bulk.bulkStoreSessions(List.of(fresh, revoked)));
            assertEquals(TokenStoreException.Kind.REFUSED, batch.kind());
            assertEquals(Optional.empty(), store.loadSessionById(fresh.sessionId()), "all or nothing");
            StoredSession next = data.rotated(rotated);
            store.rotateSession(rotated.refreshToken(), next);
            TokenStoreException retired = assertThrows(TokenStoreException.class,
                    () -> bulk.bulkStoreSessions(List.of(fresh, rotated)));
            assertEquals(TokenStoreException.Kind.REFUSED, retired.kind());
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(rotated.refreshToken()));
            assertEquals(Optional.empty(), store.loadSessionById(fresh.sessionId()), "all or nothing");
            bulk.bulkStoreSessions(List.of(fresh));
            assertEquals(Optional.of(fresh), store.loadSessionById(fresh.sessionId()));
        }

        @Test
        @DisplayName("bulkDeleteSessionsByHash deletes what looping deleteSessionByAccessToken deletes, unknown hashes ignored")
        void bulkDeleteParity() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            TokenStore looped = openStore(extraStorage());
            List<StoredSession> sessions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sessions.add(data.session());
                store.storeSession(sessions.get(i));
                looped.storeSession(sessions.get(i));
            }
            List<String> hashes = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                hashes.add(sessions.get(i * 2).accessTokenHash());
                tokens.add(sessions.get(i * 2).accessToken());
            }
            hashes.add(sessions.get(0).accessTokenHash());
            for (int i = 0; i < 5; i++) {
                String unknown = TestData.token();
                hashes.add(TokenHash.sha256Hex(unknown));
                tokens.add(unknown);
            }
            int bulk = store.features().bulk().orElseThrow().bulkDeleteSessionsByHash(hashes);
            int loop = 0;
            for (String token : tokens) {
                loop += looped.deleteSessionByAccessToken(token) ? 1 : 0;
            }
            assertEquals(10, loop);
            assertEquals(loop, bulk);
            assertSameSessions(sessions, store, looped);
            assertEquals(0, store.features().bulk().orElseThrow().bulkDeleteSessionsByHash(List.of()));
        }

        @Test
        @DisplayName("a bulk store with a token held by another session writes nothing of the batch")
        void bulkAllOrNothing() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            StoredSession holder = data.session();
            store.storeSession(holder);
            StoredSession good = data.session();
            StoredSession bad = withTokens(data.session(), holder.accessToken(), null);
            assertThrows(IllegalArgumentException.class,
                    () -> store.features().bulk().orElseThrow().bulkStoreSessions(List.of(good, bad)));
            assertEquals(Optional.empty(), store.loadSessionById(good.sessionId()));
            assertEquals(Optional.empty(), store.loadSessionById(bad.sessionId()));
            assertEquals(Optional.of(holder), store.loadSessionById(holder.sessionId()));
            assertThrows(IllegalArgumentException.class, () -> store.features().bulk().orElseThrow().bulkStoreSessions(null));
        }

        @Test
        @DisplayName("a token given up earlier in a batch may be taken by a later session of the same batch")
        void bulkTokenHandover() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            TokenStore looped = openStore(extraStorage());
            StoredSession existing = data.session();
            store.storeSession(existing);
            looped.storeSession(existing);
            StoredSession rotated = data.rotated(existing);
            StoredSession heir = withTokens(data.session(), existing.accessToken(), existing.refreshToken());
            List<StoredSession> batch = List.of(rotated, heir);
            store.features().bulk().orElseThrow().bulkStoreSessions(batch);
            batch.forEach(looped::storeSession);
            assertSameSessions(List.of(existing, rotated, heir), store, looped);
            assertEquals(Optional.of(heir), store.loadSessionByAccessToken(existing.accessToken()));
        }

        @Test
        @DisplayName("two sessions of one batch claiming the same token: nothing of the batch is written")
        void bulkConflictInsideBatch() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            StoredSession first = data.session();
            StoredSession other = data.session();
            StoredSession clash = withTokens(data.session(), first.accessToken(), null);
            assertThrows(IllegalArgumentException.class,
                    () -> store.features().bulk().orElseThrow().bulkStoreSessions(List.of(other, first, clash)));
            for (StoredSession s : List.of(first, other, clash)) {
                assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
            }
        }

        @Test
        @DisplayName("bulk delete of more hashes than fit in one statement deletes exactly the known ones")
        void bulkDeleteManyHashes() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            BulkSessionStore bulk = store.features().bulk().orElseThrow();
            List<StoredSession> sessions = new ArrayList<>();
            for (int i = 0; i < 1200; i++) {
                sessions.add(data.session("many-" + (i % 10)));
            }
            bulk.bulkStoreSessions(sessions);
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i += 2) {
                hashes.add(sessions.get(i).accessTokenHash());
                hashes.add(TokenHash.sha256Hex(TestData.token()));
            }
            assertEquals(600, bulk.bulkDeleteSessionsByHash(hashes));
            for (int i = 0; i < sessions.size(); i++) {
                assertEquals(i % 2 == 1, store.loadSessionById(sessions.get(i).sessionId()).isPresent(), "session " + i);
            }
        }

        @Test
        @DisplayName("after close, bulkStoreSessions and bulkDeleteSessionsByHash throw IllegalStateException")
        void closedRefusesBulkCalls() {
            assumeTrue(store.features().bulk().isPresent(), "the backend has no BulkSessionStore");
            BulkSessionStore bulk = store.features().bulk().orElseThrow();
            StoredSession kept = data.session();
            store.storeSession(kept);
            StoredSession s = data.session();
            store.close();
            assertThrows(IllegalStateException.class, () -> bulk.bulkStoreSessions(List.of(s)));
            assertThrows(IllegalStateException.class, () -> bulk.bulkDeleteSessionsByHash(List.of(kept.accessTokenHash())));
            if (storage.sharesData()) {
                TokenStore reopened = openStore();
                assertEquals(Optional.empty(), reopened.loadSessionById(s.sessionId()), "nothing was written");
                assertEquals(Optional.of(kept), reopened.loadSessionById(kept.sessionId()), "nothing was deleted");
            }
        }

        @Test
        @DisplayName("after close, inTransaction throws IllegalStateException without running the work")
        void closedRefusesTransactions() {
            assumeTrue(store.features().transactions().isPresent(), "the backend has no TransactionalTokenStore");
            TransactionalTokenStore tx = store.features().transactions().orElseThrow();
            store.close();
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            assertThrows(IllegalStateException.class, () -> tx.inTransaction(t -> {
                ran.set(true);
                return null;
            }));
            assertFalse(ran.get(), "the work did not run");
        }

        @Test
        @DisplayName("a consume inside a rolled-back transaction takes nothing")
        void rolledBackConsume() {
            assumeTrue(store.features().transactions().isPresent(), "the backend has no TransactionalTokenStore");
            StateRecord state = data.state();
            store.storeState(state);
            IllegalStateException boom = new IllegalStateException("boom");
            assertThrows(IllegalStateException.class, () -> store.features().transactions().orElseThrow().inTransaction(tx -> {
                assertEquals(Optional.of(state), tx.consumeState(state.state()));
                throw boom;
            }));
            assertEquals(Optional.of(state), store.consumeState(state.state()));
        }

        @Test
        @DisplayName("inTransaction commits all the work together")
        void transactionCommits() {
            assumeTrue(store.features().transactions().isPresent(), "the backend has no TransactionalTokenStore");
            StoredSession s = data.session();
            StateRecord state = data.state();
            String result = store.features().transactions().orElseThrow().inTransaction(tx -> {
                tx.storeSession(s);
                tx.storeState(state);
                return "done";
            });
            assertEquals("done", result);
            assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(state), store.consumeState(state.state()));
        }

        @Test
        @DisplayName("inTransaction rolls everything back when the work throws, and rethrows")
        void transactionRollsBack() {
            assumeTrue(store.features().transactions().isPresent(), "the backend has no TransactionalTokenStore");
            StoredSession kept = data.session();
            store.storeSession(kept);
            StoredSession s = data.session();
            StateRecord state = data.state();
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> store.features().transactions().orElseThrow().inTransaction(tx -> {
                        tx.storeSession(s);
                        tx.storeState(state);
                        tx.deleteSessionById(kept.sessionId());
                        throw boom;
                    }));
            assertEquals(boom, thrown);
            assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
            assertEquals(Optional.empty(), store.consumeState(state.state()));
            assertEquals(Optional.of(kept), store.loadSessionById(kept.sessionId()));
        }

        private void assertSameSessions(List<StoredSession> everStored, TokenStore a, TokenStore b) {
            for (StoredSession s : everStored) {
                assertEquals(b.loadSessionById(s.sessionId()), a.loadSessionById(s.sessionId()), "by id");
                assertEquals(b.loadSessionByAccessToken(s.accessToken()), a.loadSessionByAccessToken(s.accessToken()),
                        "by access token");
                assertEquals(b.loadSessionByRefreshToken(s.refreshToken()),
                        a.loadSessionByRefreshToken(s.refreshToken()), "by refresh token");
            }
        }
    }
}

package dev.tokenstore;

import java.util.List;
import java.util.Optional;

/**
 * Storage for auth-server state: one-time states and authorization codes, sessions and clients.
 *
 * <p>Every implementation keeps these guarantees (the TCK in {@code tokenstore-tck} checks each):
 * <ul>
 *   <li><b>One-time.</b> {@link #consumeState} and {@link #consumeAuthCode} return a record at most
 *   once, ever, even when threads or several store instances over the same data race for it.
 *   Consuming an expired record returns empty and removes it.</li>
 *   <li><b>Expiry</b> as seen by the store's {@link java.time.Clock}: a record is returned only
 *   while its expiry is strictly in the future. A session is found by access token or id while
 *   {@code accessExpiresAt} is in the future, by refresh token while {@code refreshExpiresAt} is.</li>
 *   <li><b>Replace.</b> Storing a state, code, session or client whose key already exists replaces
 *   it; a replaced session's old tokens no longer find it.</li>
 *   <li><b>Revocation is final.</b> Once a session is revoked ({@link #deleteSessionById},
 *   {@link #deleteSessionByAccessToken}, {@link #deleteSessionsByUser}, a bulk delete, or reuse
 *   detection in {@link #rotateSession}), no later {@link #storeSession} of that session id brings
 *   it back, from this instance or another: it is refused with a {@link TokenStoreException} of kind
 *   {@link TokenStoreException.Kind#REFUSED} ({@link Refusals#sessionRevoked}) until the session would
 *   have expired anyway. Expiry and cleanup are not revocations.</li>
 *   <li><b>A retired refresh token stays retired.</b> A {@link #storeSession} (or a rotation's
 *   {@code next}) carrying a refresh token that rotation or reuse detection retired is refused the
 *   same way ({@link Refusals#refreshTokenRetired}), so no lookup ever finds a retired token and a
 *   retired token presented to {@link #rotateSession} is never {@link Rotation.Rotated}.</li>
 *   <li><b>Tokens</b> are looked up by {@link TokenHash#sha256Hex(String)}; persistent stores keep
 *   token values, provider tokens and client secrets only encrypted, and answer a lookup only with a
 *   session whose stored token equals the one presented ({@link TokenHash#sameToken}).</li>
 *   <li><b>Bad input</b> (null or blank keys, an access or refresh token that another session
 *   already uses) fails with {@link IllegalArgumentException} naming the field, and nothing is
 *   written. Storage failures surface as {@link TokenStoreException} with the cause kept.</li>
 *   <li>Stores are thread-safe. After {@link #close()} every call throws
 *   {@link IllegalStateException}; closing twice is harmless.</li>
 * </ul>
 */
public interface TokenStore extends AutoCloseable {

    /** Stores (or replaces) a one-time state. */
    void storeState(StateRecord state);

    /** Returns and removes the state if it exists and has not expired; removes it if expired. */
    Optional<StateRecord> consumeState(String state);

    /** Stores (or replaces) a one-time authorization code. */
    void storeAuthCode(AuthCodeRecord code);

    /** Returns and removes the code if it exists and has not expired; removes it if expired. */
    Optional<AuthCodeRecord> consumeAuthCode(String code);

    /**
     * Stores the session, replacing any session with the same id.
     *
     * @throws IllegalArgumentException if another session already holds this access or refresh token
     * @throws TokenStoreException      of kind {@code REFUSED} if the session was revoked, or its refresh
     *                                  token retired (see the class comment); nothing is written then
     */
    void storeSession(StoredSession session);

    /** The session holding this access token, while its access token is live. */
    Optional<StoredSession> loadSessionByAccessToken(String accessToken);

    /** The session with this id, while its access token is live. */
    Optional<StoredSession> loadSessionById(String sessionId);

    /** The session holding this refresh token, while its refresh token is live. */
    Optional<StoredSession> loadSessionByRefreshToken(String refreshToken);

    /**
     * Rotates a refresh token atomically, with reuse detection (RFC 9700 §4.14.2), as one
     * transaction that concurrent callers and other store instances over the same data cannot
     * interleave with:
     * <ul>
     *   <li>{@link Rotation.Rotated}: a session whose refresh token is live held
     *   {@code presentedRefreshToken} and has {@code next}'s id; it is replaced by {@code next}, and
     *   the presented token is retired (remembered by hash with the session id until the expiry it
     *   had).</li>
     *   <li>{@link Rotation.Reused}: the presented token is a retired token of a session; the session
     *   is revoked (deleted, its current refresh token retired).</li>
     *   <li>{@link Rotation.AlreadyRotated}: only with a reuse grace window
     *   ({@link TokenStoreOptions.Builder#refreshReuseGrace}): the token retired by the session's
     *   latest rotation, presented within the window, returns the session as it is now.</li>
     *   <li>{@link Rotation.NotFound}: anything else (unknown, expired, {@code next} for another
     *   session); nothing is written.</li>
     * </ul>
     * Of many concurrent rotations of one token at most one is {@code Rotated}.
     *
     * @throws IllegalArgumentException if the token is null or blank, {@code next} is null, has no
     *                                  refresh token or reuses the presented one, or one of
     *                                  {@code next}'s tokens is held by another session; nothing is
     *                                  written then
     */
    Rotation rotateSession(String presentedRefreshToken, StoredSession next);

    /** Revokes (deletes) the session holding this access token, live or not; true if one was deleted. */
    boolean deleteSessionByAccessToken(String accessToken);

    /** Revokes (deletes) the session with this id, live or not; true if one was deleted. */
    boolean deleteSessionById(String sessionId);

    /** Deletes every session of the user (revocation); returns how many were deleted. */
    int deleteSessionsByUser(String userId);

    /** Stores (or replaces) a client registration. */
    void storeClient(ClientRecord client);

    /** The client with this id. */
    Optional<ClientRecord> loadClient(String clientId);

    /** All clients, ordered by {@code clientId}. */
    List<ClientRecord> listClients();

    /** Deletes the client; true if it existed. */
    boolean deleteClient(String clientId);

    /**
     * Removes every state, code and session that can never be returned again, and every retired
     * refresh token past the expiry it had, and counts them.
     */
    CleanupResult cleanupExpired();

    /**
     * This store's optional capabilities (bulk writes, transactions, change feed, key rotation,
     * database health, cleanup coordination), the way to detect one on any stack of wrappers. The
     * default is the view of this object's own capability interfaces ({@link TokenStoreFeatures#of}),
     * which is right for a backend; a wrapper returns its delegate's view with what it intercepts
     * replaced.
     */
    default TokenStoreFeatures features() {
        return TokenStoreFeatures.of(this);
    }

    /**
     * This store if it is a {@code type}, else (for a wrapper) the first layer beneath it that is,
     * in the manner of JDBC's {@code Wrapper.unwrap}: e.g. {@code store.unwrap(CachingTokenStore.class)}
     * finds the cache in a stack whatever wraps it.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /**
     * The stores of this stack, outermost first: this store, then (for a wrapper) the layers of its
     * delegate, down to the backend. A store that wraps nothing returns itself alone.
     */
    default List<TokenStore> layers() {
        return List.of(this);
    }

    /** Releases connections and files. Does not throw checked exceptions. */
    @Override
    void close();
}

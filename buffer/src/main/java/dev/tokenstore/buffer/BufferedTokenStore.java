package dev.tokenstore.buffer;

import dev.tokenstore.Arguments;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import dev.tokenstore.TransactionalTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link TokenStore} that turns many single session writes into few transactions on the store it
 * wraps. Build it with {@link #builder(TokenStore)}.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>{@code storeSession} is queued; the queue is flushed when it holds {@code maxBatchSize}
 *   sessions or {@code maxDelay} after its oldest write (in {@link AckMode#GROUP_COMMIT}: as soon as
 *   the flusher is free, after waiting at most a quarter of the last commit's time for the callers
 *   that commit released; a caller that finds nothing pending and no batch committing writes its
 *   own session on its thread, as a batch of one, through the same commit path: retries, outage
 *   fail-fast, refusal, batch listeners, change event). Writes to one session coalesce: the last
 *   write wins, and sessions are written in the order of their latest write.</li>
 *   <li>A flush uses {@link BulkSessionStore} if the delegate has it, else single ops inside
 *   {@link TransactionalTokenStore#inTransaction}, else single ops one by one; the outcome is the
 *   same.</li>
 *   <li><b>Read-your-writes:</b> every session lookup and {@code deleteSessionsByUser} see queued
 *   writes, with the same expiry rules (judged by the builder's clock, which should be the
 *   delegate's); a replaced session's old tokens find nothing even before the flush.</li>
 *   <li><b>Revocations are not delayed:</b> session deletes drop the queued write of the session
 *   and go to the delegate at once (waiting at most for a batch that is committing right now, so
 *   that batch cannot bring the session back). States, codes and clients pass straight through.</li>
 *   <li><b>Bounded:</b> at most {@code maxPending} writes are held; beyond that writers wait up to
 *   {@code enqueueTimeout}, then get a {@link dev.tokenstore.TokenStoreException}.</li>
 *   <li><b>Failures are never silent, and never block the queue:</b> only transient (and
 *   unclassified) failures are retried, {@code maxRetries} times with exponential back-off; a
 *   batch the delegate refuses ({@link IllegalArgumentException}, or a
 *   {@link dev.tokenstore.TokenStoreException} of kind {@code REFUSED}, e.g. SQLState class 22/23)
 *   is written one record at a time, so only the refused records fail and the rest are written.
 *   Refused records, and writes still failing after {@code maxRetries}, are set aside: reported to
 *   {@code onFlushError} (by session id, never by token), then handed back by the next
 *   {@link #flush()} or {@link #close()} in write-behind, or to the waiting caller in group
 *   commit. Later writes keep flowing meanwhile.</li>
 *   <li>{@code cleanupExpired()}, {@code bulkStoreSessions} and {@code inTransaction} first flush
 *   what is queued, then call the delegate, so their results are exact.</li>
 *   <li><b>Rotation is write-through:</b> {@link #rotateSession} first writes through any queued
 *   write of the rotated session (and of the session holding the presented token), then calls the
 *   delegate's atomic rotation, all while no batch can commit, so the rotation sees the latest write
 *   and no queued write can bring the old tokens back.</li>
 *   <li><b>Other instances</b> (through the delegate's {@link ChangeFeed}) see a write-behind write
 *   once its batch is flushed, and a group-commit write once the call returns; each flushed batch
 *   is one change event.</li>
 * </ul>
 * Its {@link #features()} are the delegate's: bulk writes, transactions and key rotation flush
 * first; every other capability passes through unchanged ({@link BufferFeatures}).
 * Thread-safe. After {@link #close()} every call throws {@link IllegalStateException}.
 */
public final class BufferedTokenStore extends ForwardingTokenStore {

    private final TokenStore delegate;
    private final WriteBuffer buffer;
    private final CommitGate gate;
    private final Revocations revocations;
    private final BufferedRotation rotation;
    private final BufferSettings settings;
    private final TokenStoreFeatures features;

    private BufferedTokenStore(TokenStore delegate, BufferSettings settings) {
        this.delegate = delegate;
        this.settings = settings;
        this.buffer = new WriteBuffer(delegate, settings);
        this.gate = buffer.gate();
        this.revocations = new Revocations(gate, delegate);
        this.rotation = new BufferedRotation(gate, delegate);
        this.features = BufferFeatures.of(buffer, revocations, delegate);
    }

    /** The delegate's capabilities; bulk writes, transactions and key rotation flush first. */
    @Override
    public TokenStoreFeatures features() {
        return features;
    }

    /** A builder for a buffer over {@code delegate}, with the defaults documented on each option. */
    public static Builder builder(TokenStore delegate) {
        Arguments.requireNonNull(delegate, "delegate");
        return new Builder(delegate);
    }

    // ---------------------------------------------------------------- sessions

    /**
     * Queues the session (write-behind: returns at once; group commit: returns once committed).
     *
     * @throws IllegalArgumentException if another queued session holds its access or refresh token
     * @throws dev.tokenstore.TokenStoreException if the buffer stayed full for {@code enqueueTimeout}
     * @throws BufferFlushException in group commit, if the batch holding it failed after all retries
     */
    @Override
    public void storeSession(StoredSession session) {
        Arguments.requireNonNull(session, "session");
        CompletableFuture<Void> committed = buffer.enqueue(session);
        if (committed != null) {
            Acknowledgements.await(committed);
        }
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(Arguments.requireText(accessToken, "accessToken"));
        Instant now = settings.clock().instant();
        return gate.loadByAccessHash(hash, now, () -> delegate.loadSessionByAccessToken(accessToken));
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        Arguments.requireText(sessionId, "sessionId");
        Instant now = settings.clock().instant();
        return gate.loadById(sessionId, now, () -> delegate.loadSessionById(sessionId));
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        String hash = TokenHash.sha256Hex(Arguments.requireText(refreshToken, "refreshToken"));
        Instant now = settings.clock().instant();
        return gate.loadByRefreshHash(hash, now, () -> delegate.loadSessionByRefreshToken(refreshToken));
    }

    /**
     * Rotates through the delegate's atomic rotation, after writing through (not dropping) any
     * queued write of the rotated session or of the session holding the presented token; no batch
     * commits meanwhile ({@link BufferedRotation}).
     */
    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        String presentedHash = Rotation.checkArguments(presentedRefreshToken, next);
        return rotation.rotate(presentedRefreshToken, presentedHash, next);
    }

    /**
     * Deletes the session holding the token at once (its queued write is dropped). A persisted
     * session whose queued replacement no longer holds this token is not touched, as the token no
     * longer belongs to it.
     */
    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(Arguments.requireText(accessToken, "accessToken"));
        return revocations.revokeByAccessToken(accessToken, hash);
    }

    /** Deletes the session at once (its queued write is dropped). */
    @Override
    public boolean deleteSessionById(String sessionId) {
        Arguments.requireText(sessionId, "sessionId");
        return revocations.revokeById(sessionId);
    }

    /**
     * Revokes every session of the user at once: their queued writes are dropped and the delegate
     * deletes the rest. Each session is counted once, queued or persisted.
     */
    @Override
    public int deleteSessionsByUser(String userId) {
        Arguments.requireText(userId, "userId");
        return revocations.revokeUser(userId);
    }

    // ---------------------------------------------------------------- pass-through

    @Override
    public void storeState(StateRecord state) {
        buffer.requireOpen();
        delegate.storeState(state);
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        buffer.requireNotClosed();
        return delegate.consumeState(state);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        buffer.requireOpen();
        delegate.storeAuthCode(code);
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        buffer.requireNotClosed();
        return delegate.consumeAuthCode(code);
    }

    @Override
    public void storeClient(ClientRecord client) {
        buffer.requireOpen();
        delegate.storeClient(client);
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        buffer.requireNotClosed();
        return delegate.loadClient(clientId);
    }

    @Override
    public List<ClientRecord> listClients() {
        buffer.requireNotClosed();
        return delegate.listClients();
    }

    @Override
    public boolean deleteClient(String clientId) {
        buffer.requireOpen();
        return delegate.deleteClient(clientId);
    }

    /** Flushes what is queued (so expired queued sessions are counted exactly), then cleans the delegate. */
    @Override
    public CleanupResult cleanupExpired() {
        buffer.requireOpen();
        buffer.flush(false);
        return delegate.cleanupExpired();
    }

    // ---------------------------------------------------------------- buffer control

    /**
     * Writes every session queued before the call and waits until it is committed.
     *
     * @throws BufferFlushException if writes were refused or set aside since the last {@code flush()}
     *         (in write-behind; they are no longer held), listed by
     *         {@link BufferFlushException#unwrittenSessionIds()}
     * @throws IllegalStateException after {@link #close()}
     */
    public void flush() {
        buffer.flush(true);
    }

    /** The buffer's counters now. */
    public BufferStats stats() {
        return buffer.stats();
    }

    /** The store the buffer writes to. */
    @Override
    public TokenStore delegate() {
        return delegate;
    }

    /** Registers a listener told about every batch committed from now on (e.g. for metrics). */
    public void addBatchListener(BatchListener listener) {
        Arguments.requireNonNull(listener, "listener");
        buffer.addBatchListener(listener);
    }

    /** How a flush writes to this delegate: {@code "bulk"}, {@code "transaction"} or {@code "single-ops"}. */
    public String flushStrategy() {
        return switch (buffer.strategy()) {
            case BULK -> "bulk";
            case TRANSACTION -> "transaction";
            case SINGLE_OPS -> "single-ops";
        };
    }

    /**
     * Stops taking writes, writes everything queued (each batch retried as usual, so this waits as
     * long as the delegate takes to write or refuse every write, with no limit of its own: over a
     * delegate that hangs it hangs too — use {@link #close(Duration)} to bound it), then closes the
     * delegate (always, even if the drain failed). Closing twice is harmless.
     *
     * @throws BufferFlushException if some sessions could not be written, or were not yet reported
     *         by {@link #flush()}; they are handed back in the exception and no longer held anywhere
     */
    @Override
    public void close() {
        close(null, "close()");
    }

    /**
     * Like {@link #close()}, but returns within about {@code timeout}: what is not written by then
     * (still queued, or in a commit the delegate has not finished — that one may still complete) is
     * handed back in the exception, never dropped silently, and the delegate is closed.
     *
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     * @throws BufferFlushException if some sessions were not written; {@link
     *         BufferFlushException#unwrittenSessionIds()} lists them
     */
    public void close(Duration timeout) {
        close(Arguments.requireNotNegative(timeout, "timeout"), "close(timeout)");
    }

    private void close(Duration timeout, String call) {
        buffer.requireNotFlusher(call);
        BufferFlushException unwritten;
        try {
            unwritten = buffer.close(timeout);
        } finally {
            delegate.close();
        }
        if (unwritten != null) {
            throw unwritten;
        }
    }

    @Override
    public String toString() {
        return "BufferedTokenStore[ackMode=" + settings.ackMode() + ", maxBatchSize=" + settings.maxBatchSize()
                + ", maxDelay=" + settings.maxDelay() + ", flush=" + flushStrategy() + ", delegate=" + delegate + "]";
    }

    /**
     * Options of a {@link BufferedTokenStore}. Every setter rejects a bad value at once with an
     * {@link IllegalArgumentException} naming the option.
     */
    public static final class Builder {
        private final TokenStore delegate;
        private int maxBatchSize = 1000;
        private Duration maxDelay = Duration.ofMillis(50);
        private int maxPending = 100_000;
        private AckMode ackMode = AckMode.WRITE_BEHIND;
        private Duration enqueueTimeout = Duration.ofSeconds(10);
        private int maxRetries = 3;
        private Duration retryBackoff = Duration.ofMillis(50);
        private Consumer<FlushFailure> onFlushError = failure -> { };
        private Clock clock = Clock.systemUTC();

        private Builder(TokenStore delegate) {
            this.delegate = delegate;
        }

        /** Sessions per flush (default 1000); at least 1 and at most {@code maxPending}. */
        public Builder maxBatchSize(int maxBatchSize) {
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException("maxBatchSize must be at least 1 (was " + maxBatchSize + ")");
            }
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /** Longest a write waits in write-behind before its batch is flushed (default 50 ms); positive. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Arguments.requirePositive(maxDelay, "maxDelay");
            return this;
        }

        /** Most session writes held at once, queued or committing (default 100,000). */
        public Builder maxPending(int maxPending) {
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1 (was " + maxPending + ")");
            }
            this.maxPending = maxPending;
            return this;
        }

        /** When {@code storeSession} returns (default {@link AckMode#WRITE_BEHIND}). */
        public Builder ackMode(AckMode ackMode) {
            Arguments.requireNonNull(ackMode, "ackMode");
            this.ackMode = ackMode;
            return this;
        }

        /** How long a writer waits for room in a full buffer before failing (default 10 s); zero fails at once. */
        public Builder enqueueTimeout(Duration enqueueTimeout) {
            this.enqueueTimeout = Arguments.requireNotNegative(enqueueTimeout, "enqueueTimeout");
            return this;
        }

        /**
         * How many times a batch that failed transiently (or unclassified) is retried before what
         * still fails is set aside and reported (default 3); zero or more. Refusals are never retried.
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative (was " + maxRetries + ")");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Wait before the first retry, doubled for each further one up to 32× (default 50 ms); zero or more. */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = Arguments.requireNotNegative(retryBackoff, "retryBackoff");
            return this;
        }

        /**
         * Called for every batch's refused records and for writes set aside after all retries (the
         * buffer also logs each one, by session-id fingerprint, without tokens), on the thread that
         * committed the batch: the flusher thread, or a group-commit caller writing its own batch of
         * one. Must not call {@code flush()} or {@code close()}; exceptions it throws are logged and
         * ignored.
         */
        public Builder onFlushError(Consumer<FlushFailure> onFlushError) {
            Arguments.requireNonNull(onFlushError, "onFlushError");
            this.onFlushError = onFlushError;
            return this;
        }

        /** The clock that judges expiry of queued sessions; use the delegate's (default system UTC). */
        public Builder clock(Clock clock) {
            Arguments.requireNonNull(clock, "clock");
            this.clock = clock;
            return this;
        }

        /**
         * Builds the buffer and starts its flusher thread; its {@link #features()} are the
         * delegate's.
         *
         * @throws IllegalArgumentException if {@code maxBatchSize} exceeds {@code maxPending}
         */
        public BufferedTokenStore build() {
            if (maxBatchSize > maxPending) {
                throw new IllegalArgumentException("maxBatchSize (" + maxBatchSize + ") must not exceed maxPending ("
                        + maxPending + ")");
            }
            BufferSettings settings = new BufferSettings(maxBatchSize, maxDelay, maxPending, ackMode, enqueueTimeout,
                    maxRetries, retryBackoff, onFlushError, clock);
            BufferedTokenStore store = new BufferedTokenStore(delegate, settings);
            store.buffer.start();
            return store;
        }
    }
}

package dev.tokenstore.tck;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Fresh, empty storage for one test, given by a backend to the kits. {@link #open} may be called
 * more than once: where {@link #sharesData()} is true, each call returns another store instance
 * over the same data (as a second application process would see it).
 */
public interface TestStorage extends AutoCloseable {

    /**
     * Opens a store on this storage. The kit's options carry the clock, keys and plaintext flag;
     * the storage adds its URL or data source (keep the kit's values when you rebuild them).
     */
    TokenStore open(TokenStoreOptions options);

    /** True if a second {@link #open} sees the data of the first (false for the in-memory store). */
    default boolean sharesData() {
        return true;
    }

    /**
     * Everything the backend has persisted, as raw bytes (database files, or a dump of every
     * table), so the kit can check that no secret is stored in the clear; empty if the backend
     * cannot show it (the check is then skipped).
     */
    default Optional<byte[]> rawBytes() {
        return Optional.empty();
    }

    /**
     * Changes one character inside every stored encrypted value (those that begin with
     * {@code ts1:} or {@code ts2:}) in place, as an attacker with write access to the database would; returns how
     * many values changed, or empty if the backend cannot (the check is then skipped).
     */
    default Optional<Integer> corruptEncryptedValues() {
        return Optional.empty();
    }

    /**
     * Swaps encrypted values between two rows of the same table and column, as an attacker with
     * write access but no key would (copy a victim's provider token into their own row): in every
     * table and column holding at least two encrypted values, the first two found change places.
     * Returns how many columns were swapped, or empty if the backend cannot (the check is then skipped).
     */
    default Optional<Integer> swapEncryptedValuesBetweenRows() {
        return Optional.empty();
    }

    /**
     * Swaps the lookup hashes of access and refresh tokens between two stored sessions, as an
     * attacker with write access but no key would (point their own token's hash at a victim's
     * row): for each such hash column, the first two values found change places. Returns how many
     * columns were swapped, or empty if the backend cannot (the check is then skipped).
     */
    default Optional<Integer> swapTokenHashesBetweenRows() {
        return Optional.empty();
    }

    /**
     * Swaps encrypted values between two columns of one row: in every row holding at least two
     * encrypted values, the first two change places. Returns how many rows changed, or empty if
     * the backend cannot (the check is then skipped).
     */
    default Optional<Integer> swapEncryptedValuesBetweenColumns() {
        return Optional.empty();
    }

    /**
     * Replaces this storage's data with the given records written in the backend's previous
     * storage format (for the JDBC backends: schema version 3, six encrypted values per session),
     * as a database written by the previous release, using {@code options} (the kit's keys).
     * Returns false if the backend has no previous format to write (the migration check is then
     * skipped). Same as {@link #writeEarlierFormat} one step back.
     */
    default boolean writePreviousFormat(TokenStoreOptions options, List<StoredSession> sessions,
                                        List<ClientRecord> clients, List<StateRecord> states,
                                        List<AuthCodeRecord> codes) {
        return writeEarlierFormat(1, options, sessions, clients, states, codes);
    }

    /**
     * Like {@link #writePreviousFormat}, for the format {@code stepsBack} releases back (1 is the
     * previous format; for the JDBC backends 2 is schema version 2: values in cipher format 1,
     * session ids, user ids and user JSON in the clear), so the kit checks that every earlier
     * format still migrates. Returns false where the backend cannot write that format.
     */
    default boolean writeEarlierFormat(int stepsBack, TokenStoreOptions options, List<StoredSession> sessions,
                                       List<ClientRecord> clients, List<StateRecord> states,
                                       List<AuthCodeRecord> codes) {
        return false;
    }

    /**
     * Options under which a store's change feed confirms it is caught up at most once, at the
     * start, and then goes silent, as if its poller or listener had died (e.g. a poll interval of
     * an hour); empty if the backend has no feed or no such setting (the kit's fail-safe check is
     * then skipped).
     */
    default Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
        return Optional.empty();
    }

    /**
     * True if {@link #stopDatabase()} and {@link #startDatabase()} work: the database can be taken
     * away under open stores and brought back. False by default; the kit's "database unavailable"
     * group is then reported as skipped.
     */
    default boolean canStopDatabase() {
        return false;
    }

    /**
     * Stops the database under the open stores, as an outage would (a server shut down: connections
     * refused), keeping its data. Returns once it is down.
     */
    default void stopDatabase() {
        throw new UnsupportedOperationException("this storage cannot stop its database");
    }

    /**
     * Starts the database again at the same address with the same data (same port and data
     * directory for a server). Returns once it accepts connections. A no-op if it is running.
     */
    default void startDatabase() {
        throw new UnsupportedOperationException("this storage cannot stop its database");
    }

    /** Drops the storage (deletes files, schemas); stores opened on it are closed by the kit first. */
    @Override
    void close();
}

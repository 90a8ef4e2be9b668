package dev.tokenstore;

import java.util.function.Function;

/**
 * Optional capability of a {@link TokenStore} (detect it with {@code instanceof}): run several
 * single-op calls as one transaction. The store handed to {@code work} is valid only inside the
 * call. If {@code work} throws, everything it did is rolled back and the exception is rethrown.
 */
public interface TransactionalTokenStore {

    /** Runs {@code work} in one transaction and returns its result. Calls may not nest. */
    <T> T inTransaction(Function<TokenStore, T> work);
}

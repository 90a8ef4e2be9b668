package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreException;
import java.sql.SQLException;

/** Builds the {@link TokenStoreException}s of one store: every message names the store and the operation. */
final class Failures {
    private final String storeName;

    Failures(String storeName) {
        this.storeName = storeName;
    }

    String storeName() {
        return storeName;
    }

    TokenStoreException wrap(String operation, SQLException e) {
        return new TokenStoreException(prefix(operation) + describe(e), e);
    }

    /** Adds the store name to a failure raised below the engine (e.g. decryption), once. */
    TokenStoreException wrap(String operation, TokenStoreException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(storeName)) {
            return e;
        }
        return new TokenStoreException(prefix(operation) + e.getMessage(), e);
    }

    private String prefix(String operation) {
        return storeName + ": " + operation + " failed: ";
    }

    private static String describe(SQLException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}

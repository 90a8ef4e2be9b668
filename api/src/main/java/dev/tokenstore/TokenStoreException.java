package dev.tokenstore;

/**
 * A failure of the storage behind a {@link TokenStore} (database down, locked, corrupt) or of
 * decryption (wrong key, tampered value). Unchecked; the original cause is always kept. The
 * message never contains a token, secret or password.
 */
public class TokenStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenStoreException(String message) {
        super(message);
    }

    public TokenStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

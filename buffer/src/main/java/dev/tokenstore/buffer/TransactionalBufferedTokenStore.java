package dev.tokenstore.buffer;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.function.Function;

/** A {@link BufferedTokenStore} over a {@link TransactionalTokenStore}, passing the capability through. */
final class TransactionalBufferedTokenStore extends BufferedTokenStore implements TransactionalTokenStore {
    TransactionalBufferedTokenStore(TokenStore delegate, BufferSettings settings) {
        super(delegate, settings);
    }

    @Override
    public <T> T inTransaction(Function<TokenStore, T> work) {
        return transaction(work);
    }
}

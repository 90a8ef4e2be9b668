package dev.tokenstore.micrometer;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The whole TokenStore contract through {@link TimedTokenStore} over SQLite: timing changes no
 * result, exception or capability (the bulk and transaction groups run, they are not skipped, and
 * re-encryption goes through the kept {@code KeyRotation}). The database is the kit's ready-made
 * {@link JdbcTestStorage}; only the stores it opens are wrapped.
 */
class TimedTokenStoreTckTest extends TokenStoreCompatibilityKit {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    protected TestStorage newStorage() {
        JdbcTestStorage sqlite = JdbcTestStorage.inTempDirectory(dir -> "jdbc:sqlite:" + dir.resolve("tokens.db"));
        return new TestStorage() {
            @Override
            public TokenStore open(TokenStoreOptions options) {
                return TimedTokenStore.wrap(sqlite.open(options), registry);
            }

            @Override
            public Optional<byte[]> rawBytes() {
                return sqlite.rawBytes();
            }

            @Override
            public Optional<Integer> corruptEncryptedValues() {
                return sqlite.corruptEncryptedValues();
            }

            @Override
            public Optional<Integer> swapEncryptedValuesBetweenRows() {
                return sqlite.swapEncryptedValuesBetweenRows();
            }

            @Override
            public Optional<Integer> swapEncryptedValuesBetweenColumns() {
                return sqlite.swapEncryptedValuesBetweenColumns();
            }

            @Override
            public boolean writeEarlierFormat(int stepsBack, TokenStoreOptions options, List<StoredSession> sessions,
                                              List<ClientRecord> clients, List<StateRecord> states,
                                              List<AuthCodeRecord> codes) {
                return sqlite.writeEarlierFormat(stepsBack, options, sessions, clients, states, codes);
            }

            @Override
            public Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
                return sqlite.silencedChangeFeed();
            }

            @Override
            public void close() {
                sqlite.close();
            }
        };
    }
}

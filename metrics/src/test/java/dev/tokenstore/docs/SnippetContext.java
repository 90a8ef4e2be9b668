package dev.tokenstore.docs;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.SqlDialect;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The names the documentation's Java snippets use without declaring them, with the types a reader
 * would give them; {@link JavaSnippetsCompileTest} compiles each snippet as a method of a subclass.
 * Nothing here runs.
 */
public abstract class SnippetContext {
    protected TokenStore store;
    protected TokenStore backend;
    protected byte[] key32;
    protected String secret;
    protected String url;
    protected Clock clock;
    protected Instant now;
    protected MeterRegistry registry;
    protected TokenStoreOptions options;
    protected ConnectionSource connectionSource;
    protected StoredSession session;
    protected List<StoredSession> sessions;
    protected String token;
    protected String state;
    protected String challenge;
    protected String verifier;
    protected String clientState;
    protected String presented;
    protected StoredSession PROBE;
    protected org.slf4j.Logger audit;

    protected abstract String newAccessToken();

    protected abstract String newRefreshToken();

    protected abstract void respond(String accessToken, String refreshToken);

    protected abstract void alert(Object failure);

    /** The error a token endpoint answers with. */
    public static final class OAuthError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public OAuthError(String error) {
            super(error);
        }
    }

    /** A backend author's dialect: the defaults are standard SQL. */
    public static final class MyDialect implements SqlDialect {
        public MyDialect() {
        }

        @Override
        public String name() {
            return "mydb";
        }
    }
}

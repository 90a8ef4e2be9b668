package dev.tokenstore.redis;

import dev.tokenstore.TokenStoreException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;

/** Tells connection-level failures (the server unreachable) from the others. */
final class RedisFailures {
    private RedisFailures() {
    }

    /** The failure behind a future's or Lettuce's wrapping. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** True if {@code e} says the server could not be reached (refused, lost, timed out, not connected). */
    static boolean isConnectionFailure(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof TokenStoreException) {
            return false;
        }
        if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
                || t instanceof RedisCommandInterruptedException || t instanceof IOException) {
            return true;
        }
        if (t instanceof RedisCommandExecutionException ex) {
            String m = String.valueOf(ex.getMessage());
            // a cluster without a master for the slot, a replica still loading: the data is unreachable
            return m.startsWith("CLUSTERDOWN") || m.startsWith("LOADING") || m.startsWith("TRYAGAIN")
                    || m.startsWith("MASTERDOWN");
        }
        if (t instanceof RedisException) {
            String m = String.valueOf(t.getMessage());
            return m.contains("not connected") || m.contains("Connection closed") || m.contains("connection")
                    || m.contains("Connection") || t.getCause() instanceof IOException;
        }
        return false;
    }
}

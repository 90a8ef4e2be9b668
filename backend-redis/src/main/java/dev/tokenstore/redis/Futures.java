package dev.tokenstore.redis;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for pipelined commands, with Lettuce's failures rethrown as they are (for the breaker to judge). */
final class Futures {
    private Futures() {
    }

    static <T> T await(CompletionStage<T> stage, long timeoutMillis) {
        try {
            return stage.toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = RedisFailures.unwrap(e);
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new io.lettuce.core.RedisException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        } catch (TimeoutException e) {
            throw new RedisCommandTimeoutException("no reply within " + timeoutMillis + " ms");
        }
    }

    static <T> List<T> awaitAll(List<? extends CompletionStage<T>> stages, long timeoutMillis) {
        List<T> out = new ArrayList<>(stages.size());
        RuntimeException first = null;
        for (CompletionStage<T> s : stages) {
            try {
                out.add(await(s, timeoutMillis));
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
                out.add(null);
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }
}

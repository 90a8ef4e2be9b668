package dev.tokenstore.redis;

import dev.tokenstore.Refusals;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Session writes (a single store is a batch of one). In three steps, ordered so that a crash
 * between two leaves nothing a reader would accept:
 * <ol>
 *   <li>read, pipelined: the pointers of every token of the batch, the tokens the sessions hold now,
 *   their tombstones, and for each pointer naming another session whether that session still holds
 *   (or retired) the token; the batch is then checked as looping the single stores would check it,
 *   so nothing is written if any session is refused;</li>
 *   <li>write the pointers of the new tokens and the user-index entries (a pointer to a session
 *   that does not hold the token is ignored by every reader; an index entry to a session of
 *   another user is ignored by revocation);</li>
 *   <li>one script per bucket writes the sessions, re-checking tombstones and retired tokens
 *   atomically, and appends the feed entry.</li>
 * </ol>
 * Replaced tokens' pointers are not deleted: they expire with the token, and no reader accepts one
 * (the session no longer holds that hash). In a cluster the batch is all-or-nothing against refusals
 * found in step 1; a refusal that appears between step 1 and 3 (a concurrent revocation) can leave
 * the buckets written before it.
 */
final class SessionWrites {
    private final Env env;

    SessionWrites(Env env) {
        this.env = env;
    }

    /** A session of the batch with everything the writes need. */
    private record Prepared(StoredSession s, String sid, String ah, String rh, String userKey) {
        int bucket() {
            return Keys.bucketOf(sid);
        }
    }

    /** Stores the sessions as looping storeSession would, in the order given. */
    void store(List<StoredSession> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long now = env.now();
        List<Prepared> prepared = new ArrayList<>(batch.size());
        for (StoredSession s : batch) {
            prepared.add(new Prepared(s, TokenHash.sha256Hex(s.sessionId()), s.accessTokenHash(), s.refreshTokenHash(),
                    env.codec().userKey(s.userId())));
        }
        check(prepared, now, "", true);
        Map<String, Prepared> last = new LinkedHashMap<>();
        prepared.forEach(p -> last.put(p.sid, p));
        // standalone: one connection runs commands in the order sent, so the pointers and index
        // entries are written before the session scripts without waiting for their replies
        List<CompletionStage<Object>> indexes = sendIndexes(last.values(), now);
        if (env.link().cluster()) {
            env.awaitAll(indexes);
        }
        Map<Integer, List<Prepared>> byBucket = new LinkedHashMap<>();
        last.values().forEach(p -> byBucket.computeIfAbsent(p.bucket(), b -> new ArrayList<>()).add(p));
        List<CompletionStage<List<Object>>> scripts = new ArrayList<>();
        List<List<Prepared>> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<Prepared>> e : byBucket.entrySet()) {
            for (int from = 0; from < e.getValue().size(); from += 200) {
                List<Prepared> group = e.getValue().subList(from, Math.min(from + 200, e.getValue().size()));
                groups.add(group);
                scripts.add(storeScript(e.getKey(), group, now));
            }
        }
        env.awaitAll(indexes);
        List<List<Object>> results = env.awaitAll(scripts);
        for (int g = 0; g < results.size(); g++) {
            List<Object> r = results.get(g);
            String outcome = String.valueOf(r.get(0));
            if (!"OK".equals(outcome)) {
                Prepared p = groups.get(g).get(Integer.parseInt(String.valueOf(r.get(1))));
                throw "REVOKED".equals(outcome) ? Refusals.sessionRevoked(p.s.sessionId())
                        : Refusals.refreshTokenRetired(p.s.sessionId(), "refreshToken");
            }
        }
    }

    private CompletionStage<List<Object>> storeScript(int bucket, List<Prepared> group, long now) {
        Keys k = env.keys();
        List<String> keys = new ArrayList<>();
        keys.add(k.sessionIndex(bucket));
        keys.add(k.feed(bucket));
        keys.add(k.sequence(bucket));
        List<String> args = new ArrayList<>();
        args.add(Long.toString(now));
        args.add(k.channel());
        args.add(Integer.toString(bucket));
        for (Prepared p : group) {
            keys.add(k.session(p.sid));
            keys.add(k.tombstone(p.sid));
            keys.add(k.retired(p.sid, p.rh == null ? "none" : p.rh));
            StoredSession s = p.s;
            args.add(p.sid);
            args.add(p.ah);
            args.add(p.rh == null ? "" : p.rh);
            args.add(Long.toString(s.accessExpiresAt().toEpochMilli()));
            args.add(s.refreshExpiresAt() == null ? "" : Long.toString(s.refreshExpiresAt().toEpochMilli()));
            args.add(p.userKey);
            args.add(env.codec().sessionData(s, p.sid));
            args.add(env.codec().sessionId(s.sessionId(), p.sid));
            args.add(Long.toString(env.ttl(fullExpiry(s), now)));
        }
        return env.link().evalAsync(Lua.STORE_SESSIONS, ScriptOutputType.MULTI, keys.toArray(String[]::new),
                args.toArray(String[]::new));
    }

    static long fullExpiry(StoredSession s) {
        long full = s.accessExpiresAt().toEpochMilli();
        if (s.refreshToken() != null && s.refreshExpiresAt() != null) {
            full = Math.max(full, s.refreshExpiresAt().toEpochMilli());
        }
        return full;
    }

    /** Step 2 for a session about to be written: its tokens' pointers and its user-index entry. */
    void writeIndexes(Iterable<Prepared> sessions, long now) {
        env.awaitAll(sendIndexes(sessions, now));
    }

    private List<CompletionStage<Object>> sendIndexes(Iterable<Prepared> sessions, long now) {
        Keys k = env.keys();
        List<CompletionStage<?>> writes = new ArrayList<>();
        for (Prepared p : sessions) {
            StoredSession s = p.s;
            writes.add(env.link().async().psetex(k.accessPointer(p.ah), env.ttl(s.accessExpiresAt().toEpochMilli(), now),
                    p.sid));
            if (p.rh != null) {
                writes.add(env.link().async().psetex(k.refreshPointer(p.rh),
                        env.ttl(s.refreshExpiresAt().toEpochMilli(), now), p.sid));
            }
            writes.add(userIndex(p.userKey, p.sid, fullExpiry(s), now));
        }
        return writes.stream().map(w -> (CompletionStage<Object>) w.thenApply(x -> (Object) x)).toList();
    }

    CompletionStage<Object> userIndex(String userKey, String sid, long fullExpiry, long now) {
        return env.link().evalAsync(Lua.USER_INDEX, ScriptOutputType.INTEGER,
                new String[] {env.keys().userIndex(userKey)}, Long.toString(now), Long.toString(fullExpiry), sid,
                Long.toString(env.ttl(fullExpiry, now)));
    }

    /**
     * Step 1: refuses the batch (nothing written) where looping the single stores would refuse one
     * of its sessions: a token held by another session ({@link IllegalArgumentException}), a revoked
     * session or a retired refresh token ({@link TokenStoreException} of kind REFUSED).
     */
    private void check(List<Prepared> batch, long now, String fieldPrefix, boolean tombstonesToo) {
        Keys k = env.keys();
        var async = env.link().async();
        Map<String, CompletionStage<List<io.lettuce.core.KeyValue<String, String>>>> held = new LinkedHashMap<>();
        Map<String, CompletionStage<String>> tombstones = new LinkedHashMap<>();
        Map<String, CompletionStage<String>> ownRetired = new LinkedHashMap<>();
        Map<String, CompletionStage<String>> pointers = new LinkedHashMap<>();
        for (Prepared p : batch) {
            held.computeIfAbsent(p.sid, sid -> async.hmget(k.session(sid), "ah", "rh"));
            if (tombstonesToo) {
                tombstones.computeIfAbsent(p.sid, sid -> async.get(k.tombstone(sid)));
            }
            if (p.rh != null) {
                ownRetired.computeIfAbsent(p.sid + ":" + p.rh, x -> async.hget(k.retired(p.sid, p.rh), "until"));
                pointers.computeIfAbsent("f:" + p.rh, x -> async.get(k.refreshPointer(p.rh)));
            }
            pointers.computeIfAbsent("a:" + p.ah, x -> async.get(k.accessPointer(p.ah)));
        }
        Map<String, String[]> tokensNow = new HashMap<>();
        held.forEach((sid, f) -> {
            List<io.lettuce.core.KeyValue<String, String>> v = env.await(f);
            tokensNow.put(sid, new String[] {v.get(0).getValueOrElse(null), blankToNull(v.get(1).getValueOrElse(null))});
        });
        Map<String, String> pointerOf = new HashMap<>();
        pointers.forEach((key, f) -> pointerOf.put(key, env.await(f)));
        // whom each pointer's session says it holds the token for (another session's pointer only)
        Map<String, java.util.Set<String>> carriers = new HashMap<>();
        for (Prepared p : batch) {
            carriers.computeIfAbsent("a:" + p.ah, x -> new java.util.HashSet<>()).add(p.sid);
            if (p.rh != null) {
                carriers.computeIfAbsent("f:" + p.rh, x -> new java.util.HashSet<>()).add(p.sid);
            }
        }
        Map<String, CompletionStage<String>> status = new LinkedHashMap<>();
        pointerOf.forEach((key, target) -> {
            // a pointer to the only session of the batch that carries the token needs no look: that
            // session's own script checks its retired tokens, and holding its own token is no conflict
            if (target != null && !carriers.get(key).equals(java.util.Set.of(target))) {
                String hash = key.substring(2);
                boolean refresh = key.startsWith("f:");
                status.put(key, env.link().<String>evalAsync(Lua.HOLDS, ScriptOutputType.STATUS,
                        new String[] {k.session(target), k.retired(target, hash)}, Long.toString(now),
                        refresh ? "rh" : "ah", hash));
            }
        });
        Map<String, String> holderOf = new HashMap<>();
        status.forEach((key, f) -> {
            String st = env.await(f);
            String target = pointerOf.get(key);
            holderOf.put(key, "live".equals(st) ? target : "retired".equals(st) ? "R:" + target : "");
        });
        for (Map.Entry<String, CompletionStage<String>> t : tombstones.entrySet()) {
            String until = env.await(t.getValue());
            if (until != null && Long.parseLong(until) > now) {
                String sid = t.getKey();
                Prepared p = batch.stream().filter(x -> x.sid.equals(sid)).findFirst().orElseThrow();
                throw Refusals.sessionRevoked(p.s.sessionId());
            }
        }
        Map<String, String> overlay = new HashMap<>();
        for (Prepared p : batch) {
            String[] before = tokensNow.get(p.sid);
            if (before[0] != null) {
                overlay.put("a:" + before[0], "");
            }
            if (before[1] != null) {
                overlay.put("f:" + before[1], "");
            }
            String accessHolder = overlay.containsKey("a:" + p.ah) ? overlay.get("a:" + p.ah)
                    : holderOf.getOrDefault("a:" + p.ah, "");
            if (!accessHolder.isEmpty() && !accessHolder.startsWith("R:") && !accessHolder.equals(p.sid)) {
                throw new IllegalArgumentException(fieldPrefix + "accessToken is already used by another session");
            }
            if (p.rh != null) {
                String remote = holderOf.getOrDefault("f:" + p.rh, "");
                if (remote.startsWith("R:")) {
                    throw Refusals.refreshTokenRetired(p.s.sessionId(), fieldPrefix + "refreshToken");
                }
                String refreshHolder = overlay.containsKey("f:" + p.rh) ? overlay.get("f:" + p.rh) : remote;
                if (!refreshHolder.isEmpty() && !refreshHolder.equals(p.sid)) {
                    throw new IllegalArgumentException(fieldPrefix + "refreshToken is already used by another session");
                }
                String until = env.await(ownRetired.get(p.sid + ":" + p.rh));
                if (until != null && Long.parseLong(until) > now) {
                    throw Refusals.refreshTokenRetired(p.s.sessionId(), fieldPrefix + "refreshToken");
                }
            }
            overlay.put("a:" + p.ah, p.sid);
            if (p.rh != null) {
                overlay.put("f:" + p.rh, p.sid);
            }
            tokensNow.put(p.sid, new String[] {p.ah, p.rh});
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /** Checks a rotation's next session as a store of it would be checked, then writes its pointers and index entry. */
    void prepareRotation(StoredSession next, long now) {
        Prepared p = new Prepared(next, TokenHash.sha256Hex(next.sessionId()), next.accessTokenHash(),
                next.refreshTokenHash(), env.codec().userKey(next.userId()));
        check(List.of(p), now, "next.", false); // the rotation script rotates only a session that exists
        writeIndexes(List.of(p), now);
    }
}

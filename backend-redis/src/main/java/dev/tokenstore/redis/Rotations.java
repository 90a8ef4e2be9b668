package dev.tokenstore.redis;

import dev.tokenstore.Refusals;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.Map;

/**
 * Refresh-token rotation with reuse detection. The presented token's pointer names the session
 * (and so the bucket) to act on; the session is read and the presented token checked against its
 * decrypted refresh token; then one script on that bucket rotates, answers within the grace
 * window, or revokes on reuse, atomically and only if the session is still the version read (else
 * the rotation starts over). The next session's pointers and user-index entry are written before
 * the script, so a crash in between leaves pointers no reader accepts.
 */
final class Rotations {
    private static final int ATTEMPTS = 8;
    private final Env env;
    private final SessionWrites writes;

    Rotations(Env env, SessionWrites writes) {
        this.env = env;
        this.writes = writes;
    }

    Rotation rotate(String presentedToken, String presentedHash, StoredSession next) {
        Keys k = env.keys();
        String nextSid = TokenHash.sha256Hex(next.sessionId());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String sid = env.link().sync().get(k.refreshPointer(presentedHash));
            if (sid == null || !TokenHash.isSha256Hex(sid)) {
                return Rotation.NOT_FOUND;
            }
            long now = env.now();
            Map<String, String> record = env.link().sync().hgetall(k.session(sid));
            boolean live = !record.isEmpty() && presentedHash.equals(record.get("rh")) && record.get("re") != null
                    && !record.get("re").isEmpty() && now < Long.parseLong(record.get("re"));
            StoredSession current = null;
            if (live) {
                current = env.codec().session(sid, record);
                if (!TokenHash.sameToken(current.refreshToken(), presentedToken) || !sid.equals(nextSid)) {
                    return Rotation.NOT_FOUND;
                }
                writes.prepareRotation(next, now);
            }
            List<Object> r = script(sid, presentedHash, live, record, next, now);
            String outcome = String.valueOf(r.get(0));
            switch (outcome) {
                case "ROTATED":
                    return new Rotation.Rotated(current);
                case "RETIRED":
                    throw Refusals.refreshTokenRetired(next.sessionId(), "next.refreshToken");
                case "ALREADY":
                    return new Rotation.AlreadyRotated(env.codec().session(sid, (String) r.get(1), (String) r.get(2)));
                case "REUSED":
                    return new Rotation.Reused(env.codec().readRetiredSessionId((String) r.get(1), sid));
                case "NOTFOUND":
                    if (!live) {
                        return Rotation.NOT_FOUND;
                    }
                    break; // the session changed since it was read: read again
                default:
                    break; // RETRY
            }
        }
        throw new dev.tokenstore.TokenStoreException("rotation kept racing with other writes of the session; try again");
    }

    private List<Object> script(String sid, String presentedHash, boolean rotating, Map<String, String> record,
                                StoredSession next, long now) {
        Keys k = env.keys();
        int bucket = Keys.bucketOf(sid);
        String nextRh = next.refreshTokenHash();
        String[] keys = {k.session(sid), k.retired(sid, presentedHash), k.feed(bucket), k.sequence(bucket),
                k.sessionIndex(bucket), k.retiredIndex(bucket), k.tombstone(sid), k.retired(sid, nextRh),
                k.tombstoneIndex(bucket)};
        String[] args = {Long.toString(now), k.channel(), Integer.toString(bucket), presentedHash, sid,
                String.valueOf(record.get("ver")), Long.toString(env.reuseGraceMillis()), Long.toString(env.marginMillis()),
                rotating ? "1" : "0",
                next.accessTokenHash(), nextRh, Long.toString(next.accessExpiresAt().toEpochMilli()),
                Long.toString(next.refreshExpiresAt().toEpochMilli()),
                rotating ? env.codec().userKey(next.userId()) : "",
                rotating ? env.codec().sessionData(next, sid) : "",
                rotating ? env.codec().sessionId(next.sessionId(), sid) : "",
                Long.toString(env.ttl(SessionWrites.fullExpiry(next), now)),
                rotating ? env.codec().retiredSessionId(next.sessionId(), sid) : "",
                k.base(bucket)};
        return env.link().eval(Lua.ROTATE, ScriptOutputType.MULTI, keys, args);
    }
}

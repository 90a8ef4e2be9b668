package dev.tokenstore.redis;

import dev.tokenstore.redis.RedisLink.Script;

/**
 * The Lua scripts. Each touches the keys of one hash tag only (one cluster slot), judges expiry by
 * the store's clock (passed as {@code now}, epoch millis), and writes the change-feed entry of
 * what it changed in the same script: {@code INCR} of the bucket's sequence, {@code XADD} to the
 * bucket's stream, then a {@code PUBLISH} wake-up (which may be lost: the stream is the truth).
 */
final class Lua {
    private Lua() {
    }

    private static final String EMIT = """
            local SEP = '\\0'
            local function emit(feed, seq, channel, bucket, s, t, u, c)
              local q = redis.call('INCR', seq)
              redis.call('XADD', feed, 'MAXLEN', '~', '10000', '*', 'q', q, 's', table.concat(s, SEP),
                't', table.concat(t, SEP), 'u', table.concat(u, SEP), 'c', table.concat(c, SEP))
              redis.call('PUBLISH', channel, bucket)
            end
            local function add(list, v)
              if v and v ~= '' then table.insert(list, v) end
            end
            local function fullExpiry(ae, rh, re)
              local full = tonumber(ae)
              if rh and rh ~= '' and re and re ~= '' and tonumber(re) > full then full = tonumber(re) end
              return full
            end
            """;

    /** Stores sessions of one bucket after checking their tombstones and retired refresh tokens. */
    static final Script STORE_SESSIONS = Script.of(EMIT + """
            local now = tonumber(ARGV[1])
            local n = (#KEYS - 3) / 3
            for j = 0, n - 1 do
              local a = 3 + 9 * j
              local revoked = redis.call('GET', KEYS[5 + 3 * j])
              if revoked and tonumber(revoked) > now then return {'REVOKED', tostring(j)} end
              if ARGV[a + 3] ~= '' then
                local ru = redis.call('HGET', KEYS[6 + 3 * j], 'until')
                if ru and tonumber(ru) > now then return {'RETIRED', tostring(j)} end
              end
            end
            local sids, toks = {}, {}
            for j = 0, n - 1 do
              local a = 3 + 9 * j
              local s = KEYS[4 + 3 * j]
              local old = redis.call('HMGET', s, 'ah', 'rh')
              add(toks, old[1]); add(toks, old[2])
              redis.call('HSET', s, 'v', '1', 'ah', ARGV[a + 2], 'rh', ARGV[a + 3], 'ae', ARGV[a + 4], 're', ARGV[a + 5],
                'u', ARGV[a + 6], 'd', ARGV[a + 7], 'i', ARGV[a + 8])
              redis.call('HINCRBY', s, 'ver', 1)
              redis.call('PEXPIRE', s, ARGV[a + 9])
              redis.call('ZADD', KEYS[1], fullExpiry(ARGV[a + 4], ARGV[a + 3], ARGV[a + 5]), ARGV[a + 1])
              add(sids, ARGV[a + 1]); add(toks, ARGV[a + 2]); add(toks, ARGV[a + 3])
            end
            emit(KEYS[2], KEYS[3], ARGV[2], ARGV[3], sids, toks, {}, {})
            return {'OK'}
            """);

    /** Revokes sessions of one bucket: deletes each (if it still matches), leaves its tombstone. */
    static final Script REVOKE = Script.of(EMIT + """
            local now = tonumber(ARGV[1])
            local margin = tonumber(ARGV[4])
            local n = (#KEYS - 4) / 2
            local count = 0
            local sids, toks = {}, {}
            for j = 0, n - 1 do
              local s, x = KEYS[5 + 2 * j], KEYS[6 + 2 * j]
              local a = 4 + 3 * j
              local sid = ARGV[a + 1]
              local f = redis.call('HMGET', s, 'ah', 'rh', 'ae', 're', 'u')
              if f[1] and (ARGV[a + 2] == '' or f[1] == ARGV[a + 2]) and (ARGV[a + 3] == '' or f[5] == ARGV[a + 3]) then
                local untilv = fullExpiry(f[3], f[2], f[4])
                local before = redis.call('GET', x)
                if before and tonumber(before) > untilv then untilv = tonumber(before) end
                redis.call('DEL', s)
                redis.call('ZREM', KEYS[1], sid)
                redis.call('SET', x, tostring(untilv), 'PX', math.max(untilv - now, 0) + margin)
                redis.call('ZADD', KEYS[2], untilv, sid)
                count = count + 1
                add(sids, sid); add(toks, f[1]); add(toks, f[2])
              end
            end
            if count > 0 then emit(KEYS[3], KEYS[4], ARGV[2], ARGV[3], sids, toks, {}, {}) end
            return count
            """);

    /** Rotation with reuse detection, on the bucket of the session the presented token names. */
    static final Script ROTATE = Script.of(EMIT + """
            local s, rp, feed, seq, si, ri, x, rn, xi = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
            local now = tonumber(ARGV[1])
            local channel, bucket, ph, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local margin = tonumber(ARGV[8])
            local f = redis.call('HMGET', s, 'ah', 'rh', 'ae', 're', 'u', 'd', 'i', 'ver')
            if f[1] and f[2] == ph and f[4] and f[4] ~= '' and tonumber(f[4]) > now then
              if ARGV[9] ~= '1' then return {'NOTFOUND'} end
              if f[8] ~= ARGV[6] then return {'RETRY'} end
              local ru = redis.call('HGET', rn, 'until')
              if ru and tonumber(ru) > now then return {'RETIRED'} end
              redis.call('HSET', s, 'v', '1', 'ah', ARGV[10], 'rh', ARGV[11], 'ae', ARGV[12], 're', ARGV[13], 'u', ARGV[14],
                'd', ARGV[15], 'i', ARGV[16])
              redis.call('HINCRBY', s, 'ver', 1)
              redis.call('PEXPIRE', s, ARGV[17])
              redis.call('ZADD', si, fullExpiry(ARGV[12], ARGV[11], ARGV[13]), sid)
              local untilv = tonumber(f[4])
              redis.call('HSET', rp, 'k', sid, 's', ARGV[11], 'at', tostring(now), 'until', f[4], 'i', ARGV[18])
              redis.call('PEXPIRE', rp, math.max(untilv - now, 0) + margin)
              redis.call('ZADD', ri, untilv, ph)
              emit(feed, seq, channel, bucket, {sid}, {f[1], ph, ARGV[10], ARGV[11]}, {}, {})
              return {'ROTATED'}
            end
            local r = redis.call('HMGET', rp, 'k', 's', 'at', 'until', 'i')
            if not r[1] or tonumber(r[4]) <= now then return {'NOTFOUND'} end
            if f[1] then
              local grace = tonumber(ARGV[7])
              if grace > 0 and r[2] == f[2] and now < tonumber(r[3]) + grace then return {'ALREADY', f[6], f[7]} end
              local untilv = fullExpiry(f[3], f[2], f[4])
              local before = redis.call('GET', x)
              if before and tonumber(before) > untilv then untilv = tonumber(before) end
              redis.call('DEL', s)
              redis.call('ZREM', si, sid)
              redis.call('SET', x, tostring(untilv), 'PX', math.max(untilv - now, 0) + margin)
              redis.call('ZADD', xi, untilv, sid)
              if f[2] and f[2] ~= '' then
                local rk = ARGV[19] .. 'r:' .. f[2]
                redis.call('HSET', rk, 'k', sid, 's', '', 'at', tostring(now), 'until', f[4], 'i', r[5])
                redis.call('PEXPIRE', rk, math.max(tonumber(f[4]) - now, 0) + margin)
                redis.call('ZADD', ri, tonumber(f[4]), f[2])
              end
              emit(feed, seq, channel, bucket, {sid}, {f[1], f[2]}, {}, {})
            end
            return {'REUSED', r[5]}
            """);

    /** Whether the session of a pointer holds the token ('live'), retired it ('retired') or neither ('free'). */
    static final Script HOLDS = Script.of("""
            local v = redis.call('HGET', KEYS[1], ARGV[2])
            if v == ARGV[3] then return 'live' end
            if ARGV[2] == 'rh' then
              local u = redis.call('HGET', KEYS[2], 'until')
              if u and tonumber(u) > tonumber(ARGV[1]) then return 'retired' end
            end
            return 'free'
            """);

    /** Adds a session to its user's index, pruning entries that expired, and keeps the index's TTL. */
    static final Script USER_INDEX = Script.of("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[3])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
            return 1
            """);

    /** Stores a one-time value (state or code) and indexes it by expiry. */
    static final Script STORE_ONE = Script.of("""
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'e', ARGV[1], 'd', ARGV[2], 'x', ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('ZADD', KEYS[2], ARGV[1], ARGV[5])
            return 1
            """);

    /** Takes a one-time value: returns it and deletes it, in one step. */
    static final Script CONSUME = Script.of("""
            local v = redis.call('HMGET', KEYS[1], 'e', 'd', 'x')
            if not v[1] then return {} end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return v
            """);

    /** One chunk of cleanup of one index: removes what is expired by the store's clock, counts it. */
    static final Script CLEAN = Script.of("""
            local now = tonumber(ARGV[1])
            local kind = ARGV[2]
            local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
            local count = 0
            for _, m in ipairs(members) do
              local k = ARGV[4] .. kind .. ':' .. m
              local expiry = nil
              if kind == 's' then
                local f = redis.call('HMGET', k, 'ae', 'rh', 're')
                if f[1] then
                  expiry = tonumber(f[1])
                  if f[2] and f[2] ~= '' and f[3] and f[3] ~= '' and tonumber(f[3]) > expiry then expiry = tonumber(f[3]) end
                end
              elseif kind == 'x' then
                local v = redis.call('GET', k)
                if v then expiry = tonumber(v) end
              elseif kind == 'r' then
                local v = redis.call('HGET', k, 'until')
                if v then expiry = tonumber(v) end
              else
                local v = redis.call('HGET', k, 'e')
                if v then expiry = tonumber(v) end
              end
              if expiry and expiry <= now then
                redis.call('DEL', k)
                count = count + 1
                redis.call('ZREM', KEYS[1], m)
              elseif expiry then
                redis.call('ZADD', KEYS[1], expiry, m)
              else
                redis.call('ZREM', KEYS[1], m)
              end
            end
            return {count, #members}
            """);

    /** Stores or replaces a client. */
    static final Script CLIENT_PUT = Script.of(EMIT + """
            redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
            emit(KEYS[2], KEYS[3], ARGV[1], ARGV[2], {}, {}, {}, {ARGV[3]})
            return 1
            """);

    /** Deletes a client. */
    static final Script CLIENT_DEL = Script.of(EMIT + """
            local n = redis.call('HDEL', KEYS[1], ARGV[3])
            if n == 1 then emit(KEYS[2], KEYS[3], ARGV[1], ARGV[2], {}, {}, {}, {ARGV[3]}) end
            return n
            """);

    /** Writes a feed entry that names users (revocations of all of a user's sessions). */
    static final Script ANNOUNCE = Script.of(EMIT + """
            emit(KEYS[1], KEYS[2], ARGV[1], ARGV[2], {}, {}, {ARGV[3]}, {})
            return 1
            """);

    /** Compare-and-set of hash fields: writes the pairs only if {@code field} still holds {@code old}. */
    static final Script CAS_HASH = Script.of("""
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
            for j = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[j], ARGV[j + 1]) end
            return 1
            """);

    /**
     * Standalone only (it reads a key it was not given, which a cluster would refuse): follows a
     * token's pointer and returns the session id hash and the record it names, in one round trip.
     * The store then checks the record as it checks one read in two steps.
     */
    static final Script FOLLOW_POINTER = Script.of("""
            local sid = redis.call('GET', KEYS[1])
            if not sid or #sid ~= 64 then return {} end
            local bucket = tonumber(string.sub(sid, 1, 2), 16) % 64
            local key = ARGV[1] .. ':{' .. ARGV[1] .. ':' .. string.format('%02d', bucket) .. '}:s:' .. sid
            local record = redis.call('HGETALL', key)
            table.insert(record, 1, sid)
            return record
            """);
}

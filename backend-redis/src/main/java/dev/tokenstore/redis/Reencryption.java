package dev.tokenstore.redis;

import dev.tokenstore.KeyRotation.ReencryptionReport;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key rotation's walk over the data: the one place besides the test storage that enumerates keys,
 * with {@code SCAN} ({@code MATCH <prefix>:*}, {@code COUNT chunkSize}; across every master of a
 * cluster), never {@code KEYS}. Each record not yet under the primary key is rewritten with a
 * compare-and-set on the value read, so a live write between the read and the rewrite wins (and
 * is counted in {@code rowsLeft}). A user-index entry under the new keyed hash is added before the
 * session record names it.
 */
final class Reencryption {
    private static final Logger LOG = LoggerFactory.getLogger(Reencryption.class);
    private final Env env;
    private final SessionWrites writes;

    Reencryption(Env env, SessionWrites writes) {
        this.env = env;
        this.writes = writes;
    }

    /** The kind of record a key holds, from the part after its hash tag; null for pointers, indexes, streams. */
    private String kindOf(String key) {
        int close = key.indexOf("}:");
        if (close < 0) {
            return null;
        }
        String rest = key.substring(close + 2);
        if (rest.equals("clients")) {
            return "clients";
        }
        int colon = rest.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String kind = rest.substring(0, colon);
        return List.of("s", "st", "co", "r").contains(kind) ? kind : null;
    }

    ReencryptionReport run(int chunkSize) {
        long checked = 0;
        long rewritten = 0;
        long left = 0;
        TokenCipher cipher = env.codec().cipher();
        for (String key : keys(chunkSize)) {
            String kind = kindOf(key);
            if (kind == null) {
                continue;
            }
            Map<String, String> h = env.link().sync().hgetall(key);
            if (h.isEmpty()) {
                continue;
            }
            if (kind.equals("clients")) {
                for (Map.Entry<String, String> e : h.entrySet()) {
                    checked++;
                    if (cipher.isCurrent(e.getValue())) {
                        continue;
                    }
                    String plain = env.codec().decrypt(e.getValue(), "client", "d", e.getKey());
                    String fresh = env.codec().encrypt(plain, "client", "d", e.getKey());
                    if (cas(key, e.getKey(), e.getValue(), e.getKey(), fresh)) {
                        rewritten++;
                    } else {
                        left++;
                    }
                }
                continue;
            }
            checked++;
            String hash = key.substring(key.lastIndexOf(':') + 1);
            boolean ok;
            switch (kind) {
                case "s" -> {
                    StoredSession s = env.codec().session(hash, h);
                    String userKey = env.codec().userKey(s.userId());
                    if (cipher.isCurrent(h.get("d")) && cipher.isCurrent(h.get("i")) && userKey.equals(h.get("u"))) {
                        continue;
                    }
                    long now = env.now();
                    if (!userKey.equals(h.get("u"))) {
                        env.await(writes.userIndex(userKey, hash, SessionWrites.fullExpiry(s), now));
                    }
                    ok = cas(key, "d", h.get("d"), "d", env.codec().sessionData(s, hash), "i",
                            env.codec().sessionId(s.sessionId(), hash), "u", userKey);
                }
                case "r" -> {
                    if (cipher.isCurrent(h.get("i"))) {
                        continue;
                    }
                    String sid = h.get("k");
                    ok = cas(key, "i", h.get("i"), "i",
                            env.codec().retiredSessionId(env.codec().readRetiredSessionId(h.get("i"), sid), sid));
                }
                default -> {
                    String what = kind.equals("st") ? "state" : "code";
                    if (cipher.isCurrent(h.get("d")) && cipher.isCurrent(h.get("x"))) {
                        continue;
                    }
                    String d = env.codec().decrypt(h.get("d"), what, "d", hash);
                    String x = env.codec().decrypt(h.get("x"), what, "x", hash);
                    ok = cas(key, "d", h.get("d"), "d", env.codec().encrypt(d, what, "d", hash), "x",
                            env.codec().encrypt(x, what, "x", hash));
                }
            }
            if (ok) {
                rewritten++;
            } else {
                left++;
            }
            if (rewritten > 0 && rewritten % chunkSize == 0) {
                LOG.info("re-encryption: {} records checked, {} rewritten", checked, rewritten);
            }
        }
        LOG.info("re-encryption done: {} records checked, {} rewritten, {} left as live writes left them", checked,
                rewritten, left);
        return new ReencryptionReport(checked, rewritten, left, count(chunkSize));
    }

    Map<String, Long> count(int chunkSize) {
        Map<String, Long> byKey = new TreeMap<>();
        for (String key : keys(chunkSize)) {
            String kind = kindOf(key);
            if (kind == null) {
                continue;
            }
            Map<String, String> h = env.link().sync().hgetall(key);
            if (kind.equals("clients")) {
                h.values().forEach(v -> tally(byKey, v));
            } else {
                tally(byKey, h.get("d"));
                tally(byKey, h.get("i"));
                tally(byKey, h.get("x"));
                String u = h.get("u");
                if (u != null && u.contains(":")) {
                    String id = u.substring(0, u.indexOf(':'));
                    byKey.merge(id.equals("plain") ? "plaintext" : id, 1L, Long::sum);
                }
            }
        }
        return byKey;
    }

    private static void tally(Map<String, Long> byKey, String stored) {
        if (stored == null) {
            return;
        }
        String id = TokenCipher.keyIdOf(stored);
        byKey.merge(id == null ? "plaintext" : id, 1L, Long::sum);
    }

    private List<String> keys(int chunkSize) {
        List<String> out = new ArrayList<>();
        ScanIterator<String> it = ScanIterator.scan(env.link().sync(),
                ScanArgs.Builder.matches(env.keys().prefix() + ":*").limit(chunkSize));
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    private boolean cas(String key, String field, String old, String... pairs) {
        String[] args = new String[2 + pairs.length];
        args[0] = field;
        args[1] = old;
        System.arraycopy(pairs, 0, args, 2, pairs.length);
        Long n = env.link().eval(Lua.CAS_HASH, ScriptOutputType.INTEGER, new String[] {key}, args);
        return n != null && n == 1;
    }
}

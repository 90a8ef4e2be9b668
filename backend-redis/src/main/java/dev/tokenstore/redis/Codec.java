package dev.tokenstore.redis;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenCipher.Place;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import java.util.Map;

/**
 * Encrypted values as stored: every value is bound (AES-GCM associated data) to its place, i.e.
 * the kind of record, the field, and the hash the record's key is made of, so a value copied to
 * another key or field fails to decrypt. A session holds two: {@code d} (the whole session as JSON,
 * tokens included) and {@code i} (its id, checked against the key's hash on every read).
 */
final class Codec {
    private final TokenCipher cipher;

    Codec(TokenCipher cipher) {
        this.cipher = cipher;
    }

    TokenCipher cipher() {
        return cipher;
    }

    String sessionData(StoredSession s, String sidHash) {
        return cipher.encrypt(Json.session(s), new Place("session", "d", sidHash));
    }

    String sessionId(String sessionId, String sidHash) {
        return cipher.encrypt(sessionId, new Place("session", "i", sidHash));
    }

    /** The session of a record read by its key's hash; throws if a value does not belong there. */
    StoredSession session(String sidHash, String d, String i) {
        String sid = cipher.decrypt(i, new Place("session", "i", sidHash));
        StoredSession s = Json.readSession(cipher.decrypt(d, new Place("session", "d", sidHash)));
        if (!TokenHash.sha256Hex(sid).equals(sidHash) || !s.sessionId().equals(sid)) {
            throw new TokenStoreException("a stored session does not belong to the key it is stored under (tampered)");
        }
        return s;
    }

    StoredSession session(String sidHash, Map<String, String> record) {
        return session(sidHash, record.get("d"), record.get("i"));
    }

    String retiredSessionId(String sessionId, String sidHash) {
        return cipher.encrypt(sessionId, new Place("retired", "i", sidHash));
    }

    String readRetiredSessionId(String stored, String sidHash) {
        String sid = cipher.decrypt(stored, new Place("retired", "i", sidHash));
        if (!TokenHash.sha256Hex(sid).equals(sidHash)) {
            throw new TokenStoreException("a retired token names a session it does not belong to (tampered)");
        }
        return sid;
    }

    String encrypt(String value, String kind, String field, String rowKey) {
        return cipher.encrypt(value, new Place(kind, field, rowKey));
    }

    String decrypt(String stored, String kind, String field, String rowKey) {
        return cipher.decrypt(stored, new Place(kind, field, rowKey));
    }

    String userKey(String userId) {
        return cipher.keyedHash(userId);
    }
}

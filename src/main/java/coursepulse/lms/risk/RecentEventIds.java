package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Drops re-sent events: remembers, per event key (the student, or the course for {@code
 * assignment_created}), the 64-bit hashes of the last {@value #PER_KEY} event ids, in a store the
 * engine checkpoints. An event whose id is among them is a duplicate.
 *
 * <p>The bound is by count, not time, so state stays at most {@code 8 * PER_KEY} bytes per key
 * whatever the traffic: a copy is recognised when fewer than {@value #PER_KEY} other events of the
 * same key arrived between the original and the copy (a redelivered batch, a producer retry). An
 * older copy is processed again; the rules are idempotent for most events (active days, last
 * login, submitted-by-due bits) but it would be counted twice in {@code coursepulse.events.processed}
 * and in the weekly submission count. Distinct ids colliding on 64 bits among 64 entries: about
 * 1 in 10^17 per event.
 */
final class RecentEventIds {
  /** Event ids remembered per key. */
  static final int PER_KEY = 64;

  private RecentEventIds() {}

  /**
   * Whether {@code eventId} was seen among the last {@link #PER_KEY} events of {@code key};
   * remembers it when not.
   */
  static boolean seenBefore(KeyValueStore<String, byte[]> store, String key, String eventId) {
    long h = hash(eventId);
    byte[] ring = store.get(key);
    int n = ring == null ? 0 : ring.length / Long.BYTES;
    if (ring != null) {
      ByteBuffer b = ByteBuffer.wrap(ring);
      for (int i = 0; i < n; i++) {
        if (b.getLong(i * Long.BYTES) == h) {
          return true;
        }
      }
    }
    int keep = Math.min(n, PER_KEY - 1);
    byte[] next = new byte[(keep + 1) * Long.BYTES];
    if (keep > 0) {
      System.arraycopy(ring, (n - keep) * Long.BYTES, next, 0, keep * Long.BYTES);
    }
    ByteBuffer.wrap(next).putLong(keep * Long.BYTES, h);
    store.put(key, next);
    return false;
  }

  /** FNV-1a over the UTF-8 bytes, then a 64-bit finaliser (murmur3's) to spread the bits. */
  static long hash(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}

package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
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
 *
 * <p>One object per key is a ring changed in place (no copy per event), grown up to {@link
 * #PER_KEY} as events come; its checkpoint form ({@link #SERDE}) is the hashes oldest first, 8
 * bytes each, the byte array this store held before it kept objects.
 */
final class RecentEventIds {
  /** Event ids remembered per key. */
  static final int PER_KEY = 64;

  private static final long[] EMPTY = new long[0];

  /** Ring of hashes; once full, {@code next} is the oldest. */
  private long[] ring = EMPTY;
  private int size;
  private int next;

  /** The checkpoint form: the hashes oldest first, 8 bytes each. */
  static final Serde<RecentEventIds> SERDE =
      new Serde<>() {
        @Override
        public byte[] serialize(RecentEventIds ids) {
          ByteBuffer b = ByteBuffer.allocate(ids.size * Long.BYTES);
          int oldest = ids.size < ids.ring.length ? 0 : ids.next;
          for (int i = 0; i < ids.size; i++) {
            b.putLong(ids.ring[(oldest + i) % ids.ring.length]);
          }
          return b.array();
        }

        @Override
        public RecentEventIds deserialize(byte[] bytes) {
          RecentEventIds ids = new RecentEventIds();
          ByteBuffer b = ByteBuffer.wrap(bytes);
          int n = bytes.length / Long.BYTES;
          // a longer history (never written) keeps its newest PER_KEY
          for (int i = Math.max(0, n - PER_KEY); i < n; i++) {
            ids.add(b.getLong(i * Long.BYTES));
          }
          return ids;
        }
      };

  /**
   * Whether {@code eventId} was seen among the last {@link #PER_KEY} events of {@code key};
   * remembers it when not.
   */
  static boolean seenBefore(KeyValueStore<String, RecentEventIds> store, String key, String eventId) {
    long h = hash(eventId);
    RecentEventIds ids = store.get(key);
    if (ids == null) {
      ids = new RecentEventIds();
    } else if (ids.contains(h)) {
      return true;
    }
    ids.add(h);
    store.put(key, ids);
    return false;
  }

  private boolean contains(long h) {
    for (int i = 0; i < size; i++) {
      if (ring[i] == h) {
        return true;
      }
    }
    return false;
  }

  private void add(long h) {
    if (size < PER_KEY) {
      if (size == ring.length) {
        ring = java.util.Arrays.copyOf(ring, Math.min(PER_KEY, Math.max(4, size * 2)));
      }
      ring[size++] = h;
      next = size % ring.length;
    } else {
      ring[next] = h;
      next = (next + 1) % PER_KEY;
    }
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

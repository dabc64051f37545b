package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Drops re-sent events: remembers, per event key (the student, or the course for {@code
 * assignment_created}), a 32-bit fingerprint of each of the last {@value #PER_KEY} event ids. An
 * event whose fingerprint is among them is a duplicate. A student's ids are kept in their {@link
 * StudentState} (state format 3), so they exist only for enrolled students and go with them; a
 * course's, and those checkpointed before format 3, in a store of their own.
 *
 * <p>The bound is by count, not time, so state stays at most {@code 4 * PER_KEY} bytes per key
 * whatever the traffic: a copy is recognised when fewer than {@value #PER_KEY} other events of the
 * same key arrived between the original and the copy (a redelivered batch, a producer retry). An
 * older copy is processed again; the rules are idempotent for most events (active days, last
 * login, submitted-by-due bits) but it would be counted twice in {@code coursepulse.events.processed}
 * and in the weekly submission count.
 *
 * <p>Why 32 bits: they halve the largest part of the application's state per student (a full ring
 * was 512 bytes of 64-bit hashes). A new id matches one of the key's 64 fingerprints by chance with
 * probability 64 / 2^32, about 1.5 in 10^8 per event: fewer than one real event per 17 million (a
 * 50,000-student semester) refused as {@code duplicate_event}, and that one is counted and named in
 * the refused stream. Ids are compared per key, so the chance does not grow with the number of
 * students.
 *
 * <p>One object per key is a ring changed in place (no copy per event), grown up to {@link
 * #PER_KEY} as events come. Its checkpoint form ({@link #SERDE}) is a format byte {@value
 * #FORMAT_32} and the fingerprints oldest first, 4 bytes each; the earlier form, the 64-bit hashes
 * oldest first without a format byte (a length that is a multiple of 8, never {@code 1 + 4n}), is
 * read as their fingerprints, so a restored ring still recognises what it held.
 */
final class RecentEventIds {
  /** Event ids remembered per key. */
  static final int PER_KEY = 64;

  /** First byte of the checkpoint form with 32-bit fingerprints. */
  static final byte FORMAT_32 = 2;

  private static final int[] EMPTY = new int[0];

  /** Ring of fingerprints; once full, {@code next} is the oldest. */
  private int[] ring = EMPTY;
  private int size;
  private int next;

  /** The checkpoint form: the format byte, then the fingerprints oldest first, 4 bytes each. */
  static final Serde<RecentEventIds> SERDE =
      new Serde<>() {
        @Override
        public byte[] serialize(RecentEventIds ids) {
          ByteBuffer b = ByteBuffer.allocate(1 + ids.size * Integer.BYTES);
          b.put(FORMAT_32);
          for (int f : ids.oldestFirst()) {
            b.putInt(f);
          }
          return b.array();
        }

        @Override
        public RecentEventIds deserialize(byte[] bytes) {
          RecentEventIds ids = new RecentEventIds();
          ByteBuffer b = ByteBuffer.wrap(bytes);
          boolean hashes64 = bytes.length % Long.BYTES == 0;
          if (!hashes64 && (bytes[0] != FORMAT_32 || (bytes.length - 1) % Integer.BYTES != 0)) {
            throw new IllegalArgumentException(
                "not a recent-event-ids record: " + bytes.length + " bytes, format byte " + bytes[0]);
          }
          int width = hashes64 ? Long.BYTES : Integer.BYTES;
          int from = hashes64 ? 0 : 1;
          int n = (bytes.length - from) / width;
          // a longer history (never written) keeps its newest PER_KEY
          for (int i = Math.max(0, n - PER_KEY); i < n; i++) {
            int at = from + i * width;
            ids.add(hashes64 ? fingerprint(b.getLong(at)) : b.getInt(at));
          }
          return ids;
        }
      };

  /**
   * Whether {@code eventId} was seen among the last {@link #PER_KEY} events of {@code key};
   * remembers it when not.
   */
  static boolean seenBefore(KeyValueStore<String, RecentEventIds> store, String key, String eventId) {
    RecentEventIds ids = store.get(key);
    if (ids == null) {
      ids = new RecentEventIds();
    }
    if (ids.seenBefore(eventId)) {
      return true;
    }
    store.put(key, ids);
    return false;
  }

  /** Whether {@code eventId} is among these ids; remembers it when not. */
  boolean seenBefore(String eventId) {
    int f = fingerprint(hash(eventId));
    if (contains(f)) {
      return true;
    }
    add(f);
    return false;
  }

  /** The fingerprints, oldest first. */
  int[] oldestFirst() {
    int[] out = new int[size];
    int oldest = size < ring.length ? 0 : next;
    for (int i = 0; i < size; i++) {
      out[i] = ring[(oldest + i) % ring.length];
    }
    return out;
  }

  /** Ids remembered as {@code fingerprints}, oldest first (the newest {@link #PER_KEY} of them). */
  static RecentEventIds of(int[] fingerprints) {
    RecentEventIds ids = new RecentEventIds();
    for (int i = Math.max(0, fingerprints.length - PER_KEY); i < fingerprints.length; i++) {
      ids.add(fingerprints[i]);
    }
    return ids;
  }

  private boolean contains(int f) {
    for (int i = 0; i < size; i++) {
      if (ring[i] == f) {
        return true;
      }
    }
    return false;
  }

  private void add(int f) {
    if (size < PER_KEY) {
      if (size == ring.length) {
        ring = java.util.Arrays.copyOf(ring, Math.min(PER_KEY, Math.max(4, size * 2)));
      }
      ring[size++] = f;
      next = size % ring.length;
    } else {
      ring[next] = f;
      next = (next + 1) % PER_KEY;
    }
  }

  /** The high 32 bits of a {@link #hash}: what the ring keeps. */
  static int fingerprint(long hash) {
    return (int) (hash >>> 32);
  }

  /** FNV-1a over the UTF-8 bytes, then a 64-bit finaliser (murmur3's) to spread the bits. */
  static long hash(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < eventId.length(); i++) {
      char c = eventId.charAt(i);
      if (c >= 0x80) {
        return finish(fnv(eventId.getBytes(StandardCharsets.UTF_8)));
      }
      // an ASCII char is its own UTF-8 byte: no byte copy of the id per event
      h ^= c;
      h *= 0x100000001b3L;
    }
    return finish(h);
  }

  private static long fnv(byte[] utf8) {
    long h = 0xcbf29ce484222325L;
    for (byte b : utf8) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}

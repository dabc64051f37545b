package coursepulse.lms.quality;

import java.time.Instant;

/**
 * The risk records already counted, by a 64-bit fingerprint of student, course, time and score: a
 * reset and re-run append the same records again, and a full term's {@code 05-Risk} holds millions, too
 * many to keep as strings. An open-addressing set of longs costs 16 bytes per record at most; two
 * different records share a fingerprint with a chance of about n² / 2⁶⁵ (10⁻⁷ for 3 million).
 * Not thread-safe.
 */
final class RecordFingerprints {
  private static final long FREE = 0;

  private long[] table = new long[1 << 16];
  private int size;

  /** Whether the record is new (and now remembered). */
  boolean add(String studentId, String courseId, Instant at, double score) {
    long f = fingerprint(studentId, courseId, at, score);
    if (2L * (size + 1) > table.length) {
      grow();
    }
    if (!insert(table, f)) {
      return false;
    }
    size++;
    return true;
  }

  private static boolean insert(long[] t, long f) {
    int mask = t.length - 1;
    for (int i = (int) f & mask; ; i = (i + 1) & mask) {
      if (t[i] == FREE) {
        t[i] = f;
        return true;
      }
      if (t[i] == f) {
        return false;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[table.length * 2];
    for (long f : table) {
      if (f != FREE) {
        insert(bigger, f);
      }
    }
    table = bigger;
  }

  /** FNV-1a over the ids, then the time mixed in with SplitMix64's finaliser; never 0 (free). */
  private static long fingerprint(String studentId, String courseId, Instant at, double score) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, studentId);
    h = (h ^ 0xffff) * 0x100000001b3L; // a separator no id character equals
    h = fnv(h, courseId);
    h ^= at.getEpochSecond() * 0x9e3779b97f4a7c15L + at.getNano();
    h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
    h ^= Double.doubleToLongBits(score);
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h == FREE ? 1 : h;
  }

  private static long fnv(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}

package coursepulse.lms.risk.model;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which students are held out of a fit to measure it: by a hash of the student id, so the split is
 * the same on every run and machine, and a student's every course and week falls on one side (rows
 * of one student are not independent; splitting rows would leak).
 */
final class HeldOutSplit {
  private static final int BUCKETS = 10_000;

  private HeldOutSplit() {}

  /**
   * Refuses a share that rounds to every bucket (0.99995 and above): it would hold out every
   * student, leaving nothing to fit on.
   */
  static void requireSomeTrained(double share) {
    if (Math.round(share * BUCKETS) >= BUCKETS) {
      throw new IllegalArgumentException(
          "held-out share "
              + share
              + " rounds to 1 (shares go in steps of "
              + 1.0 / BUCKETS
              + "), which would hold out every student: use at most "
              + (BUCKETS - 1) / (double) BUCKETS);
    }
  }

  /** Whether {@code studentId} is held out when {@code share} (0 to 1) of students are. */
  static boolean isHeldOut(String studentId, double share) {
    CRC32 crc = new CRC32();
    crc.update(studentId.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % BUCKETS < Math.round(share * BUCKETS);
  }
}

package coursepulse.lms.risk;

import java.io.ByteArrayOutputStream;

/**
 * The ring of submissions per week that enrolment records of formats 1 to 3 carried after their
 * activity ring, and format 4 no longer has: for tests that write or compare records of those
 * formats.
 */
final class SubmissionsPerWeek {
  private SubmissionsPerWeek() {}

  /** An empty ring, as format 2 writes in its place since format 4. */
  static byte[] empty() {
    StateCodec.Out o = new StateCodec.Out();
    o.emptyWeekly();
    return o.bytes();
  }

  /** A ring with {@code counts} for the weeks up to {@code week}, newest first. */
  static byte[] of(int week, short... counts) {
    StateCodec.Out o = new StateCodec.Out();
    o.weekly(new WeeklyCounts(week, counts));
    return o.bytes();
  }

  /** The enrolment record of format 1, 2 or 3 with that ring replaced by {@code ring}. */
  static byte[] replaced(byte[] enrolment, byte[] ring) {
    StateCodec.In in = new StateCodec.In(enrolment, enrolment[0]);
    // Start, length, dropped, last submission and activity, the two bits of submitted work; in
    // format 1 the missed streak too.
    int fields = enrolment[0] == StateSerdes.FORMAT_V1 ? 8 : 7;
    for (int i = 0; i < fields; i++) {
      in.varlong();
    }
    in.skipWeekly(); // activity per week
    int from = in.position();
    in.skipWeekly();
    int to = in.position();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(enrolment, 0, from);
    b.writeBytes(ring);
    b.write(enrolment, to, enrolment.length - to);
    return b.toByteArray();
  }
}

package coursepulse.lms.publish;

import java.time.Instant;

/**
 * A snapshot of a producing run, for progress lines and the final summary.
 *
 * @param simulatedTime event time of the last event generated
 * @param sent events sent (or written) per stream: 01-Enrollment, 02-Login, 03-Activity
 * @param skipped events regenerated but not sent because the log already had them
 * @param eventsPerSecond events sent per wall-clock second since the previous snapshot
 * @param done whether this is the final snapshot
 */
public record Progress(
    Instant simulatedTime, long[] sent, long skipped, double eventsPerSecond, boolean done) {

  /** Total events sent. */
  public long total() {
    long t = 0;
    for (long s : sent) {
      t += s;
    }
    return t;
  }

  /** One line such as {@code 2026-09-14 01-Enrollment=3125 02-Login=12034 ... 81234 ev/s}. */
  public String line() {
    return String.format(
        java.util.Locale.ROOT,
        "%s %s 01-Enrollment=%d 02-Login=%d 03-Activity=%d skipped=%d %.0f ev/s",
        done ? "done" : "sim",
        simulatedTime == null ? "-" : simulatedTime.toString(),
        sent[0],
        sent[1],
        sent[2],
        skipped,
        eventsPerSecond);
  }
}

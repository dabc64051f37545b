package coursepulse.lms.publish;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.MalformedEventException;
import java.time.Duration;
import java.util.Optional;

/**
 * The event time of the last event a stream holds: a feed appended after it must not start
 * earlier, or a consumer that has passed that time refuses the feed's events as late.
 */
final class NewestEvent {
  /** No event: an empty stream, or a last message that is not an LMS event. */
  static final long NONE = Long.MIN_VALUE;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private NewestEvent() {}

  /**
   * @return the epoch second of the last message's {@code occurredAt}, or {@link #NONE}
   * @throws LogException when the last message cannot be read in time
   */
  static long of(StreamLog log, String stream) {
    Optional<StreamStats> stats = log.stats(stream);
    if (stats.isEmpty()) {
      return NONE;
    }
    long last = stats.get().lastOffset();
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(last))) {
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (System.nanoTime() - deadline < 0) {
        LogMessage m = reader.poll(Duration.ofMillis(200));
        // a reader may start at the beginning of the storage chunk holding the offset
        if (m != null && m.offset() >= last) {
          try {
            return EventCodec.decode(m.body()).occurredAt().getEpochSecond();
          } catch (MalformedEventException e) {
            return NONE; // written by another client; consumers skip it too
          }
        }
      }
    }
    throw new LogException(
        "cannot read the last message of " + stream + " (offset " + last + ") within "
            + READ_TIMEOUT.toSeconds() + " s");
  }
}

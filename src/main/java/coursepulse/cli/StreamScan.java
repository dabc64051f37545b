package coursepulse.cli;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One stream read from its first offset to its end, counting messages rather than offsets: on
 * RabbitMQ every stored consumer offset is an entry of the stream that takes an offset and is
 * never delivered (3.10 and 4.0 alike), so "last offset - first offset + 1" over-counts, and the
 * last offset itself may be such an entry. For each read position asked about it also counts the
 * messages at or after it (the lag a run resuming there will have) and keeps the log time of the
 * last message before it (the last one processed).
 */
final class StreamScan {

  /** Streams spanning more offsets than this are not read; callers show estimates. */
  static final long EXACT_LIMIT = 1_000_000;

  /** How long the reader may stay silent before the stream counts as read to its end. */
  private static final Duration QUIET = Duration.ofMillis(500);

  private long messages;
  private LogMessage first;
  private LogMessage newest;
  private final Map<Long, long[]> positions = new HashMap<>(); // next -> {lag, processed log time}

  private StreamScan() {}

  /**
   * Reads {@code stream} once.
   *
   * @param stats the stream's offsets (the last one may be an offset-tracking entry)
   * @param nextOffsets read positions (next offset to process) to report the lag of
   * @return empty when the stream spans more than {@link #EXACT_LIMIT} offsets
   */
  static Optional<StreamScan> of(
      StreamLog log, String stream, StreamStats stats, Collection<Long> nextOffsets) {
    if (stats.count() > EXACT_LIMIT) {
      return Optional.empty();
    }
    StreamScan scan = new StreamScan();
    for (long next : nextOffsets) {
      scan.positions.put(next, new long[] {0, Long.MIN_VALUE});
    }
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(stats.firstOffset()))) {
      LogMessage m;
      while ((m = reader.poll(QUIET)) != null) {
        scan.add(m);
        if (m.offset() >= stats.lastOffset()) {
          break; // the last offset is a message: no need to wait for silence
        }
      }
    }
    return Optional.of(scan);
  }

  private void add(LogMessage m) {
    messages++;
    if (first == null) {
      first = m;
    }
    newest = m;
    for (Map.Entry<Long, long[]> e : positions.entrySet()) {
      if (m.offset() >= e.getKey()) {
        e.getValue()[0]++;
      } else {
        e.getValue()[1] = m.timestamp();
      }
    }
  }

  /** Messages in the stream (offset-tracking entries excluded). */
  long messages() {
    return messages;
  }

  /** The newest message, empty when the stream holds none. */
  Optional<LogMessage> newest() {
    return Optional.ofNullable(newest);
  }

  /** Messages at or after {@code next}, one of the positions given to {@link #of}. */
  long lag(long next) {
    return position(next)[0];
  }

  /**
   * Log time of the newest message minus that of the last message before {@code next} (the last
   * processed), or of the first message when none was processed; zero without a lag.
   */
  Duration timeLag(long next) {
    long[] p = position(next);
    if (p[0] == 0 || newest == null) {
      return Duration.ZERO;
    }
    long processed = p[1] != Long.MIN_VALUE ? p[1] : first.timestamp();
    return Duration.ofMillis(Math.max(0, newest.timestamp() - processed));
  }

  private long[] position(long next) {
    long[] p = positions.get(next);
    if (p == null) {
      throw new IllegalArgumentException("position " + next + " was not scanned");
    }
    return p;
  }
}

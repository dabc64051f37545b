package coursepulse.cli;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Turns {@link ReplayPosition}s into offsets of one stream, as the stream is when the command
 * runs, and refuses a start that retention has removed.
 *
 * <p>Log time ({@code timestamp:}) is resolved by the log itself (a reader attached at that time;
 * it drops the records of the chunk that precede the time). Event time ({@code event-time:}) is
 * resolved by binary search over offsets, reading one event per probe: it relies on each stream
 * being in event-time order, which holds for streams fed in event-time order such as the
 * simulator's (about 20 probes for a million messages).
 */
final class ReplayRange {

  /** The offsets of one stream in a range: {@code [start, end)}. */
  record Bounds(String stream, long start, long end, long firstRetained, long logEnd) {
    long size() {
      return Math.max(0, end - start);
    }
  }

  /** The requested start lies in data that retention has removed. */
  static final class RangeGoneException extends IllegalArgumentException {
    RangeGoneException(String message) {
      super(message);
    }
  }

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration END_QUIET = Duration.ofMillis(300);
  private static final Duration CHUNK_REST = Duration.ofMillis(50);
  private static final Duration LIVE_TAIL = Duration.ofSeconds(2);
  private static final Duration UNDELIVERED_QUIET = Duration.ofSeconds(1);
  /** How far before the reported last offset the tail is read first. */
  private static final long TAIL = 1_000;

  private final StreamLog log;
  private final ToLongFunction<byte[]> eventTime;

  /**
   * @param eventTime the event time of a message body in epoch ms, or -1 when it has none
   *     (unreadable): such messages are skipped by the search
   */
  ReplayRange(StreamLog log, ToLongFunction<byte[]> eventTime) {
    this.log = log;
    this.eventTime = eventTime;
  }

  /**
   * The bounds of each of {@code streams}, in that order, resolved at the same time: each asks the
   * log for the stream's offsets and reads its tail, which on RabbitMQ 4.0.5 takes about a second
   * per stream (short-lived probe consumers), so one after the other they cost a replay seconds
   * before its first event. Each stream's answer is independent of the others'.
   *
   * @throws RangeGoneException of the first stream, in order, whose range is gone
   */
  Map<String, Bounds> resolveAll(
      List<String> streams, Function<String, ReplayPosition> from, ReplayPosition to)
      throws InterruptedException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, streams.size()),
            task -> {
              Thread t = new Thread(task, "coursepulse-replay-range");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Bounds>> answers = new ArrayList<>();
      for (String stream : streams) {
        answers.add(pool.submit(() -> resolve(stream, from.apply(stream), to)));
      }
      Map<String, Bounds> bounds = new LinkedHashMap<>();
      for (int i = 0; i < streams.size(); i++) {
        try {
          bounds.put(streams.get(i), answers.get(i).get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
      return bounds;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The bounds of {@code stream} between {@code from} (inclusive) and {@code to} (exclusive).
   *
   * @throws RangeGoneException when retention removed messages at or after {@code from}
   */
  Bounds resolve(String stream, ReplayPosition from, ReplayPosition to) {
    Optional<StreamStats> stats = log.stats(stream);
    if (stats.isEmpty()) {
      return new Bounds(stream, 0, 0, 0, 0);
    }
    long first = stats.get().firstOffset();
    long logEnd = exactEnd(stream, stats.get().lastOffset());
    long start = position(stream, from, first, logEnd, true);
    long end = position(stream, to, first, logEnd, false);
    return new Bounds(stream, start, Math.max(start, end), first, logEnd);
  }

  /**
   * One past the newest message. The log may report as its last offset the first offset of the
   * newest chunk (RabbitMQ 3.11 to 3.13), or an entry that no reader is ever given: a stored
   * consumer offset (RabbitMQ 3.11 and newer count them; `process` stores one per input after each
   * checkpoint). Taken as the end, such an entry left a replay waiting for it forever, after a
   * 10-second probe per input (found by bench on RabbitMQ 4.0.5). So the tail is read from a little
   * before the reported offset, further back each time it holds no message.
   */
  long exactEnd(String stream, long reportedLast) {
    for (long back = TAIL; ; back *= 16) {
      long from = Math.max(0, reportedLast - back);
      long last = lastDelivered(stream, from, reportedLast);
      if (last >= 0) {
        return last + 1;
      }
      if (from == 0) {
        return reportedLast + 1; // nothing deliverable at all: an empty range whatever the end
      }
    }
  }

  /** The offset of the last message a reader from {@code from} is given, or -1 for none. */
  private long lastDelivered(String stream, long from, long reportedLast) {
    long last = -1;
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(from))) {
      LogMessage m = reader.poll(PROBE_TIMEOUT);
      long deadline = Long.MAX_VALUE;
      while (m != null) {
        last = Math.max(last, m.offset());
        if (last >= reportedLast) {
          // Once the reported last message itself has come, only the rest of its chunk can
          // follow, and that is already on its way: a short wait (it saves 0.25 s per input of
          // every replay, issue 19); traffic still arriving after 2 s is live, and "the end as
          // of now" is as good as it gets.
          if (deadline == Long.MAX_VALUE) {
            deadline = System.nanoTime() + LIVE_TAIL.toNanos();
          } else if (System.nanoTime() - deadline > 0) {
            break;
          }
          m = reader.poll(CHUNK_REST);
        } else {
          // Below it, a quiet second means the rest is entries no reader is given (the reader
          // holds credit, so a message would come promptly; a second, not END_QUIET, so that a
          // loaded machine's pause does not cut a replay short).
          m = reader.poll(UNDELIVERED_QUIET);
        }
      }
    }
    return last;
  }

  private long position(
      String stream, ReplayPosition p, long first, long logEnd, boolean isStart) {
    if (p instanceof ReplayPosition.First) {
      return first;
    }
    if (p instanceof ReplayPosition.Next) {
      return logEnd;
    }
    if (p instanceof ReplayPosition.Last) {
      return isStart ? newestChunkStart(stream, first, logEnd) : logEnd;
    }
    if (p instanceof ReplayPosition.Offset o) {
      if (isStart && o.offset() < first) {
        throw gone(stream, p, first);
      }
      return Math.max(first, Math.min(o.offset(), logEnd));
    }
    if (p instanceof ReplayPosition.LogTime t) {
      long ms = t.time().toEpochMilli();
      LogMessage firstMessage = readAt(stream, first);
      if (isStart && first > 0 && firstMessage != null && firstMessage.timestamp() > ms) {
        throw gone(stream, p, first);
      }
      try (LogReader reader = log.reader(stream, OffsetSpec.timestamp(ms))) {
        LogMessage m = reader.poll(END_QUIET.multipliedBy(3));
        return m == null ? logEnd : Math.min(m.offset(), logEnd);
      }
    }
    ReplayPosition.EventTime t = (ReplayPosition.EventTime) p;
    long ms = t.time().toEpochMilli();
    long lo = first;
    long hi = logEnd; // invariant: every event below lo is before ms; hi is at or after
    if (isStart && first > 0) {
      long[] probe = probe(stream, first, logEnd);
      if (probe != null && probe[1] > ms) {
        throw gone(stream, p, first);
      }
    }
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      long[] probe = probe(stream, mid, hi);
      if (probe == null) {
        hi = mid; // nothing readable in [mid, hi)
      } else if (probe[1] < ms) {
        lo = probe[0] + 1;
      } else {
        hi = mid; // unreadable messages in [mid, probe) go with the later ones
      }
    }
    return lo;
  }

  /**
   * Where a reader for {@link OffsetSpec#last()} starts, as {@code process --from last} does: the
   * log decides (the first offset of its newest chunk on RabbitMQ).
   */
  private long newestChunkStart(String stream, long first, long logEnd) {
    if (logEnd <= first) {
      return logEnd; // nothing retained: "last" starts with the next message
    }
    try (LogReader reader = log.reader(stream, OffsetSpec.last())) {
      LogMessage m = reader.poll(PROBE_TIMEOUT);
      return m == null ? logEnd : Math.max(first, Math.min(m.offset(), logEnd));
    }
  }

  /** The first message at or after {@code offset} that has an event time, below {@code limit}. */
  private long[] probe(String stream, long offset, long limit) {
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(offset))) {
      for (LogMessage m = reader.poll(PROBE_TIMEOUT); m != null && m.offset() < limit;
          m = reader.poll(PROBE_TIMEOUT)) {
        long t = eventTime.applyAsLong(m.body());
        if (t >= 0) {
          return new long[] {m.offset(), t};
        }
      }
    }
    return null;
  }

  private LogMessage readAt(String stream, long offset) {
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(offset))) {
      return reader.poll(PROBE_TIMEOUT);
    }
  }

  private RangeGoneException gone(String stream, ReplayPosition requested, long first) {
    LogMessage m = readAt(stream, first);
    String stored = m == null ? "unknown time" : Instant.ofEpochMilli(m.timestamp()).toString();
    String event = "";
    if (m != null) {
      long t = eventTime.applyAsLong(m.body());
      event = t >= 0 ? ", event time " + Instant.ofEpochMilli(t) : "";
    }
    return new RangeGoneException(
        "the start " + requested + " of " + stream + " is no longer in the stream: retention"
            + " removed the older messages; the first available offset is " + first + " (stored "
            + stored + event + "). Replay from there with --from first (or --from-offsets "
            + stream + "=first) if that is what you want.");
  }
}

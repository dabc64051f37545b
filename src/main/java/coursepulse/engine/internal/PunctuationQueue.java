package coursepulse.engine.internal;

import coursepulse.engine.Cancellable;
import coursepulse.engine.Punctuator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The schedules of one time kind (stream or wall-clock) of a task, ordered by next fire time, then
 * by creation order so that schedules due at the same time fire deterministically.
 *
 * <p>A schedule due at {@code t} fires once when time reaches {@code t}, with the current time as
 * argument. When time jumps over several multiples of the interval, it fires once (not once per
 * missed multiple), and its next time is the first multiple after the current time, keeping the
 * original phase; this is what Kafka Streams does.
 */
public final class PunctuationQueue {

  /** Runs one punctuation on behalf of a node (sets up the context around the call). */
  @FunctionalInterface
  public interface Runner {
    void run(Schedule schedule, long timestamp);
  }

  /** One schedule. */
  public static final class Schedule implements Cancellable {
    private final String nodeName;
    private final String id;
    private final long intervalMs;
    private final Punctuator punctuator;
    private final long seq;
    private long nextMs;
    private boolean cancelled;

    Schedule(String nodeName, String id, long intervalMs, Punctuator punctuator, long seq, long first) {
      this.nodeName = nodeName;
      this.id = id;
      this.intervalMs = intervalMs;
      this.punctuator = punctuator;
      this.seq = seq;
      this.nextMs = first;
    }

    /** The node that scheduled it. */
    public String nodeName() {
      return nodeName;
    }

    /** Stable id across restarts: node name, kind and ordinal of the schedule call. */
    public String id() {
      return id;
    }

    /** The punctuator. */
    public Punctuator punctuator() {
      return punctuator;
    }

    /** The next time it fires. */
    public long nextMs() {
      return nextMs;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    void advance(long now) {
      long next = nextMs + intervalMs;
      if (now >= next) {
        next = now - Math.floorMod(now - nextMs, intervalMs) + intervalMs;
      }
      nextMs = next;
    }
  }

  private final PriorityQueue<Schedule> queue =
      new PriorityQueue<>(
          Comparator.comparingLong((Schedule s) -> s.nextMs).thenComparingLong(s -> s.seq));
  private long seq;

  /** Adds a schedule first due at {@code firstMs}. */
  public Schedule schedule(
      String nodeName, String id, long intervalMs, Punctuator punctuator, long firstMs) {
    if (intervalMs < 1) {
      throw new IllegalArgumentException("punctuation interval must be at least 1 ms");
    }
    Schedule s = new Schedule(nodeName, id, intervalMs, punctuator, seq++, firstMs);
    queue.add(s);
    return s;
  }

  /**
   * Fires every schedule due at or before {@code now}.
   *
   * @return the number of punctuations fired
   */
  public int mayPunctuate(long now, Runner runner) {
    int fired = 0;
    while (!queue.isEmpty() && queue.peek().nextMs <= now) {
      Schedule s = queue.poll();
      if (s.cancelled) {
        continue;
      }
      runner.run(s, now);
      fired++;
      if (!s.cancelled) {
        s.advance(now);
        queue.add(s);
      }
    }
    return fired;
  }

  /** The live schedules, for checkpoints. */
  public List<Schedule> schedules() {
    List<Schedule> out = new ArrayList<>();
    for (Schedule s : queue) {
      if (!s.cancelled) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparingLong(s -> s.seq));
    return out;
  }

  /** Sets the next fire time of a schedule restored from a checkpoint. */
  public void restoreNext(Schedule s, long nextMs) {
    queue.remove(s);
    s.nextMs = nextMs;
    queue.add(s);
  }

  /** The earliest next fire time, or {@link Long#MAX_VALUE} when none. */
  public long nextDueMs() {
    Schedule s = queue.peek();
    return s == null ? Long.MAX_VALUE : s.nextMs;
  }
}

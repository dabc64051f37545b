package coursepulse.engine.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;

/**
 * The order in which a task took its records from its sources since its recent checkpoints, so
 * that a task rebuilt after a log failure, or restarted after its process died, takes them again
 * in that order.
 *
 * <p>Why: outputs are numbered by position (publishing ids 1, 2, 3… in processing order, see
 * {@link TaskOutputs}), and the log keeps only ids above the last it stored. A rebuilt task
 * replays from its checkpoint, re-deriving the outputs since then under the same ids, which is
 * effectively once only if the replay writes the same records in the same order. Live, the merge
 * may take a record while another input is empty because nothing more has arrived yet (it waits
 * only for an input whose log already has more); a replay then finds that input's late record in
 * the log and takes it earlier, in timestamp order. Numbered by position, the outputs shift: the
 * log drops a new one under an id the old run used, and stores again one it already had under a
 * higher id (found by {@code BrokerRestartDuringRunIT}: an alert resolved twice after the broker
 * restarted). Following the recorded order, the replay re-derives exactly what the live run wrote.
 *
 * <p>Only choices a replay might make differently are recorded: a record taken while every input
 * had one buffered is the smallest of the inputs' next records, which a replay that followed the
 * order so far takes too ({@link #MERGED}); a record taken while some input was empty is recorded
 * by its source. Runs of equal entries share a byte (3 bits of kind, 5 of length), so a backlog
 * costs about a byte per 31 records and a live tail about a byte per run of one input's records.
 * Tasks with more than 7 sources are not recorded. Kept from the oldest of the last {@value
 * #MARKS} checkpoints on: the newest durable one may be older than the last one taken, whose write
 * may still fail. Bounded by {@code capacity} bytes: beyond it recording stops until the next
 * checkpoint, and a rebuild from a checkpoint whose order is not complete replays in timestamp
 * order, as before. With a directory, the runs are also written to files there as they are taken
 * ({@link OrderSegments}), so that a task restarted after its process died follows them too.
 *
 * <p>Owned by the task thread.
 */
final class ProcessingOrder {

  /** 16 MiB: at 400,000 records a second from a live tail, well beyond a 30 s checkpoint interval. */
  static final int DEFAULT_CAPACITY = 16 << 20;

  /** The kind of a record taken while every input had one: the smallest of their next records. */
  static final int MERGED = 7;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ProcessingOrder.class);
  private static final int MAX_RUN = 31;
  private static final int MARKS = 3;

  private final int capacity;
  private byte[] runs = new byte[4096];
  private int size;
  // Whether the last byte's run may grow: not across a mark, which must fall between two bytes.
  private boolean runOpen;
  // Set when the runs since the newest mark exceeded the capacity: nothing is recorded (and no
  // mark is usable) until the next checkpoint.
  private boolean overflowed;
  private final ArrayDeque<Mark> marks = new ArrayDeque<>();
  // The order a rebuilt task follows, in runs up to followEnd (exclusive), or null.
  private Cursor following;
  private int followEnd;
  // The files the runs are also written to (from the newest mark's index on), or null.
  private OrderSegments segments;
  private boolean loaded;

  /** An order kept in memory only. */
  ProcessingOrder(int capacity) {
    this(capacity, null);
  }

  /**
   * @param dir where the runs are written as well, so that a restarted process finds them (see
   *     {@link OrderSegments}); null: in memory only
   */
  ProcessingOrder(int capacity, java.nio.file.Path dir) {
    this.capacity = capacity;
    this.segments = dir == null ? null : new OrderSegments(dir, capacity);
    this.loaded = dir == null;
  }

  /** Where the files of the order of the task whose state directory this is go. */
  static java.nio.file.Path directory(java.nio.file.Path taskStateDir) {
    return taskStateDir.resolve("processing-order");
  }

  /** Deletes the files of the order of the task whose state directory this is (a reset). */
  static void deleteFiles(java.nio.file.Path taskStateDir) {
    new OrderSegments(directory(taskStateDir), 0).deleteAll();
  }

  /** Whether the order of a task with this many sources can be recorded. */
  static boolean supports(int sources) {
    return sources <= MERGED;
  }

  /** The kind of an entry of an order: a source index or {@link #MERGED}. */
  static int kind(byte run) {
    return (run & 0xFF) >>> 5;
  }

  /** How many records an entry of an order stands for. */
  static int length(byte run) {
    return run & MAX_RUN;
  }

  /** The task is about to take a record: of source {@code kind}, or {@link #MERGED}. */
  void taking(int kind) {
    if (overflowed || marks.isEmpty()) {
      return; // nothing to follow from: no checkpoint, or the capacity was exceeded since it
    }
    if (runOpen) {
      byte last = runs[size - 1];
      if (kind(last) == kind && length(last) < MAX_RUN) {
        set(size - 1, (byte) (last + 1));
        return;
      }
    }
    if (size == capacity) {
      clear();
      overflowed = true;
      return;
    }
    if (size == runs.length) {
      runs = Arrays.copyOf(runs, Math.min(capacity, runs.length * 2));
    }
    set(size++, (byte) (kind << 5 | 1));
    runOpen = true;
  }

  private void set(int index, byte run) {
    runs[index] = run;
    if (segments != null) {
      try {
        segments.put(index - marks.peekLast().index, run);
      } catch (RuntimeException e) {
        dropFiles(e);
      }
    }
  }

  /** The task took a checkpoint at these positions (as in the checkpoint). */
  void checkpointed(Map<String, Long> nextOffsets, Map<String, Long> nextPublishingIds) {
    if (overflowed) {
      overflowed = false;
      size = 0;
    }
    int at = following != null && !following.done ? splitAtCursor() : size;
    if (at < 0) {
      clear(); // no room to split the order followed: nothing to follow from here on
      overflowed = true;
      return;
    }
    marks.addLast(new Mark(Map.copyOf(nextOffsets), Map.copyOf(nextPublishingIds), at));
    runOpen = false;
    if (marks.size() > MARKS) {
      marks.removeFirst();
      int from = marks.peekFirst().index;
      System.arraycopy(runs, from, runs, 0, size - from);
      size -= from;
      for (Mark m : marks) {
        m.index -= from;
      }
      if (following != null) {
        following.at -= from;
        followEnd -= from;
      }
    }
    if (segments != null) {
      try {
        byte[] rest = Arrays.copyOfRange(runs, marks.peekLast().index, size); // after compaction
        segments.begin(nextOffsets, nextPublishingIds, rest, MARKS);
      } catch (RuntimeException e) {
        dropFiles(e);
      }
    }
  }

  /**
   * A checkpoint taken while the task follows an order falls inside it: what it has yet to take
   * is what the new mark's replay must follow. Splits the run in progress so that a byte boundary
   * falls there, and ends the newest mark's file at that boundary (the new file starts with the
   * rest), so that the files read back in order still give each record once.
   *
   * @return the index of the new mark, or -1 without room for the split
   */
  private int splitAtCursor() {
    int p = following.at;
    int taken = length(runs[p]) - following.left;
    int at = p;
    if (taken > 0) {
      if (size == capacity) {
        return -1;
      }
      if (size == runs.length) {
        runs = Arrays.copyOf(runs, Math.min(capacity, runs.length * 2));
      }
      System.arraycopy(runs, p + 1, runs, p + 2, size - p - 1);
      int kindBits = runs[p] & ~MAX_RUN;
      runs[p] = (byte) (kindBits | taken);
      runs[p + 1] = (byte) (kindBits | following.left);
      size++;
      followEnd++;
      following.at = at = p + 1;
    }
    if (segments != null) {
      try {
        int base = marks.peekLast().index;
        if (taken > 0) {
          segments.put(p - base, runs[p]);
        }
        segments.put(at - base, (byte) 0); // the rest goes to the new mark's file
      } catch (RuntimeException e) {
        dropFiles(e);
      }
    }
    return at;
  }

  /**
   * The order of the records taken since the checkpoint at these positions (entries read with
   * {@link #kind} and {@link #length}), and starts recording afresh from it with that order
   * already in: the rebuilt task records only what it takes after following it, and a second
   * failure while it follows finds the whole order again. The first call also reads what the
   * files of a process that died hold.
   *
   * @return null when that order is not known: no recorded checkpoint at these positions, or the
   *     record was cut short since; else the order, which {@link #following()} then walks
   */
  byte[] since(Map<String, Long> nextOffsets, Map<String, Long> nextPublishingIds) {
    if (!loaded) {
      loaded = true;
      load();
    }
    byte[] order = null;
    if (!overflowed) {
      for (var it = marks.descendingIterator(); it.hasNext(); ) {
        Mark m = it.next();
        if (m.offsets.equals(nextOffsets) && m.publishingIds.equals(nextPublishingIds)) {
          order = Arrays.copyOfRange(runs, m.index, size);
          break;
        }
      }
    }
    forget();
    byte[] kept = order == null ? new byte[0] : order;
    marks.addLast(new Mark(Map.copyOf(nextOffsets), Map.copyOf(nextPublishingIds), 0));
    runs = Arrays.copyOf(kept, Math.max(runs.length, kept.length));
    size = kept.length;
    if (size > 0) {
      following = new Cursor();
      followEnd = size;
    }
    if (segments != null) {
      try {
        // one file with the order in, complete before the others go (they no longer follow on)
        segments.begin(nextOffsets, nextPublishingIds, kept, 1);
      } catch (RuntimeException e) {
        dropFiles(e);
      }
    }
    return order;
  }

  private void load() {
    try {
      for (OrderSegments.Segment s : segments.load()) {
        if (size + s.runs().length > capacity) {
          forget();
        }
        marks.addLast(new Mark(s.nextOffsets(), s.nextPublishingIds(), size));
        runs = Arrays.copyOf(runs, Math.max(runs.length, size + s.runs().length));
        System.arraycopy(s.runs(), 0, runs, size, s.runs().length);
        size += s.runs().length;
      }
    } catch (RuntimeException e) {
      dropFiles(e);
    }
  }

  /** Forgets everything (the task starts without a checkpoint to replay from). */
  void clear() {
    forget();
    if (segments != null) {
      try {
        segments.deleteAll();
      } catch (RuntimeException e) {
        dropFiles(e);
      }
    }
  }

  private void forget() {
    marks.clear();
    size = 0;
    runOpen = false;
    overflowed = false;
    following = null;
  }

  /** Where the task stands in the order {@link #since} gave, or null when there is none. */
  Cursor following() {
    return following;
  }

  /** Goes on in memory only: the files cannot be written (a restart then merges freely). */
  private void dropFiles(RuntimeException e) {
    LOG.warn(
        "cannot keep the processing order in {} ({}); keeping it in memory only", segments,
        e.toString());
    segments = null;
  }

  /**
   * Where a task stands in the order it follows, read in place: a checkpoint taken meanwhile
   * splits the run in progress ({@link #checkpointed}).
   */
  final class Cursor {
    // the index in runs of the entry in progress, and the records it still stands for
    private int at;
    private int left = length(runs[0]);
    private boolean done;

    /** The kind of the next record: a source index or {@link #MERGED}. */
    int kind() {
      return ProcessingOrder.kind(runs[at]);
    }

    /**
     * Moves past one record.
     *
     * @return false once the order is used up
     */
    boolean advance() {
      if (--left > 0) {
        return true;
      }
      if (++at < followEnd) {
        left = length(runs[at]);
        return true;
      }
      done = true;
      return false;
    }

    /** The records the order still stands for. */
    int recordsLeft() {
      int n = done ? 0 : left;
      for (int i = at + 1; i < followEnd; i++) {
        n += length(runs[i]);
      }
      return n;
    }

    /** The largest source index the order names (not counting {@link #MERGED}), or -1. */
    int largestSource() {
      int max = -1;
      for (int i = at; i < followEnd; i++) {
        int kind = ProcessingOrder.kind(runs[i]);
        if (kind != MERGED) {
          max = Math.max(max, kind);
        }
      }
      return max;
    }
  }

  private static final class Mark {
    final Map<String, Long> offsets;
    final Map<String, Long> publishingIds;
    int index;

    Mark(Map<String, Long> offsets, Map<String, Long> publishingIds, int index) {
      this.offsets = offsets;
      this.publishingIds = publishingIds;
      this.index = index;
    }
  }
}

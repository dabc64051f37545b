package coursepulse.engine.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;

/**
 * The order in which a task took its records from its sources since its recent checkpoints, so
 * that a task rebuilt in the same process after a log failure takes them again in that order.
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
 * order, as before. In memory only: a process that dies takes the order with it (a restart
 * replays in timestamp order).
 *
 * <p>Owned by the task thread.
 */
final class ProcessingOrder {

  /** 16 MiB: at 400,000 records a second from a live tail, well beyond a 30 s checkpoint interval. */
  static final int DEFAULT_CAPACITY = 16 << 20;

  /** The kind of a record taken while every input had one: the smallest of their next records. */
  static final int MERGED = 7;

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

  ProcessingOrder(int capacity) {
    this.capacity = capacity;
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
    if (overflowed) {
      return;
    }
    if (runOpen) {
      byte last = runs[size - 1];
      if (kind(last) == kind && length(last) < MAX_RUN) {
        runs[size - 1] = (byte) (last + 1);
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
    runs[size++] = (byte) (kind << 5 | 1);
    runOpen = true;
  }

  /** The task took a checkpoint at these positions (as in the checkpoint). */
  void checkpointed(Map<String, Long> nextOffsets, Map<String, Long> nextPublishingIds) {
    if (overflowed) {
      overflowed = false;
      size = 0;
    }
    marks.addLast(new Mark(Map.copyOf(nextOffsets), Map.copyOf(nextPublishingIds), size));
    runOpen = false;
    if (marks.size() > MARKS) {
      marks.removeFirst();
      int from = marks.peekFirst().index;
      System.arraycopy(runs, from, runs, 0, size - from);
      size -= from;
      for (Mark m : marks) {
        m.index -= from;
      }
    }
  }

  /**
   * The order of the records taken since the checkpoint at these positions (entries read with
   * {@link #kind} and {@link #length}), and starts recording afresh from it with that order
   * already in: the rebuilt task records only what it takes after following it, and a second
   * failure while it follows finds the whole order again.
   *
   * @return null when that order is not known: no recorded checkpoint at these positions, or the
   *     record was cut short since
   */
  byte[] since(Map<String, Long> nextOffsets, Map<String, Long> nextPublishingIds) {
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
    clear();
    checkpointed(nextOffsets, nextPublishingIds);
    if (order != null) {
      runs = Arrays.copyOf(order, Math.max(runs.length, order.length));
      size = order.length;
    }
    return order;
  }

  /** Forgets everything (the task starts without a checkpoint to replay from). */
  void clear() {
    marks.clear();
    size = 0;
    runOpen = false;
    overflowed = false;
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

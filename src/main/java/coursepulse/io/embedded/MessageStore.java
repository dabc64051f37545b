package coursepulse.io.embedded;

import coursepulse.engine.log.LogMessage;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The retained messages of one stream, packed into blocks of parallel arrays so that a million
 * small messages cost a few large allocations instead of a million objects.
 *
 * <p>Offsets are dense: the store holds {@code [firstOffset, nextOffset)}. Retention moves {@code
 * firstOffset} up one message at a time; a block's memory is released once every message in it is
 * below {@code firstOffset}. Not thread-safe: the owning {@link StreamState} guards it with its
 * lock.
 */
final class MessageStore {

  /** Messages per block; a power of two keeps the index arrays cache friendly. */
  static final int BLOCK_MESSAGES = 4096;

  /** A block stops taking messages once its payload passes this size (large messages). */
  static final int BLOCK_BYTES = 4 << 20;

  private static final int INITIAL_BLOCK_BYTES = 16 << 10;

  private final ArrayList<Block> blocks = new ArrayList<>();
  private long firstOffset;
  private long nextOffset;
  private long retainedBytes;
  private long lastTimestamp = Long.MIN_VALUE;

  MessageStore(long startOffset) {
    this.firstOffset = startOffset;
    this.nextOffset = startOffset;
  }

  long firstOffset() {
    return firstOffset;
  }

  long nextOffset() {
    return nextOffset;
  }

  boolean isEmpty() {
    return firstOffset == nextOffset;
  }

  /** Sum of the body sizes of the retained messages. */
  long retainedBytes() {
    return retainedBytes;
  }

  /** Timestamp of the newest message ever appended, or {@link Long#MIN_VALUE}. */
  long lastTimestamp() {
    return lastTimestamp;
  }

  /** Raises the newest timestamp without a message, so a recovered stream never goes back. */
  void restoreLastTimestamp(long timestamp) {
    lastTimestamp = Math.max(lastTimestamp, timestamp);
  }

  /**
   * Copies {@code body} into the store.
   *
   * @return the offset it got
   */
  long append(long timestamp, byte[] body) {
    Block block = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
    if (block == null || !block.hasRoomFor(body.length)) {
      block = new Block(nextOffset, body.length);
      blocks.add(block);
    }
    block.add(timestamp, body);
    retainedBytes += body.length;
    lastTimestamp = Math.max(lastTimestamp, timestamp);
    return nextOffset++;
  }

  long timestampAt(long offset) {
    Block b = blockOf(offset);
    return b.timestamps[(int) (offset - b.baseOffset)];
  }

  int sizeAt(long offset) {
    Block b = blockOf(offset);
    return b.size((int) (offset - b.baseOffset));
  }

  /** A fresh copy of the message at {@code offset}: the caller owns its body. */
  LogMessage message(String stream, long offset) {
    Block b = blockOf(offset);
    int i = (int) (offset - b.baseOffset);
    int start = i == 0 ? 0 : b.ends[i - 1];
    byte[] body = Arrays.copyOfRange(b.data, start, b.ends[i]);
    return new LogMessage(stream, offset, b.timestamps[i], body);
  }

  /**
   * The offset of the first retained message stamped at or after {@code epochMillis}, or {@link
   * #nextOffset()} when there is none. Timestamps never decrease with the offset, so this is a
   * binary search.
   */
  long firstOffsetAtOrAfter(long epochMillis) {
    long lo = firstOffset;
    long hi = nextOffset;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (timestampAt(mid) < epochMillis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Drops every message below {@code newFirstOffset} (clamped to the stored range). */
  void trimTo(long newFirstOffset) {
    long target = Math.min(newFirstOffset, nextOffset);
    while (firstOffset < target) {
      retainedBytes -= sizeAt(firstOffset);
      firstOffset++;
    }
    int drop = 0;
    while (drop < blocks.size() && blocks.get(drop).endOffset() <= firstOffset) {
      drop++;
    }
    if (drop > 0) {
      blocks.subList(0, drop).clear();
    }
  }

  private Block blockOf(long offset) {
    if (offset < firstOffset || offset >= nextOffset) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + " outside [" + firstOffset + ", " + nextOffset + ")");
    }
    // readers mostly read near the tail: try the newest block before searching
    Block last = blocks.get(blocks.size() - 1);
    if (offset >= last.baseOffset) {
      return last;
    }
    int lo = 0;
    int hi = blocks.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (blocks.get(mid).baseOffset <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return blocks.get(lo);
  }

  /** Up to {@link #BLOCK_MESSAGES} consecutive messages: timestamps, end positions, payload. */
  private static final class Block {
    final long baseOffset;
    final long[] timestamps = new long[BLOCK_MESSAGES];
    final int[] ends = new int[BLOCK_MESSAGES];
    byte[] data;
    int count;

    Block(long baseOffset, int firstMessageSize) {
      this.baseOffset = baseOffset;
      this.data = new byte[Math.max(INITIAL_BLOCK_BYTES, firstMessageSize)];
    }

    long endOffset() {
      return baseOffset + count;
    }

    int used() {
      return count == 0 ? 0 : ends[count - 1];
    }

    boolean hasRoomFor(int size) {
      // an empty block takes any message, however large, so that every message fits somewhere
      return count < BLOCK_MESSAGES && (count == 0 || (long) used() + size <= BLOCK_BYTES);
    }

    void add(long timestamp, byte[] body) {
      int start = used();
      int end = start + body.length;
      if (end > data.length) {
        data = Arrays.copyOf(data, Math.max(end, (int) Math.min(BLOCK_BYTES, 2L * data.length)));
      }
      System.arraycopy(body, 0, data, start, body.length);
      timestamps[count] = timestamp;
      ends[count] = end;
      count++;
    }

    int size(int i) {
      return ends[i] - (i == 0 ? 0 : ends[i - 1]);
    }
  }
}

package coursepulse.io.embedded;

import coursepulse.engine.log.LogMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
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
 *
 * <p>A file-backed store ({@link #paged}) keeps only the index in memory: per message its timestamp,
 * size and place in its segment file, 16 bytes (the arrays are made for {@link #BLOCK_MESSAGES}
 * messages, so a block cut short by large messages or by the end of a segment costs up to 64 KB).
 * Bodies stay in memory while a block fills and until they are written; after that a block's bodies
 * are held only while the log's cache has room, and are read back from the segment file, a block at
 * a time, when a reader comes to them. Blocks rebuilt from the files keep the same limits as blocks
 * filled live, so reading one back never costs more than {@link #BLOCK_BYTES} and one message. A term of real
 * courses is far larger than the heap should be (OULAD 2013J: 890 MB of input, as much again of risk
 * records), and readers go through a stream front to back, so a small cache of recent blocks serves
 * them.
 */
final class MessageStore {

  /** Where a file-backed store reads back the bodies it no longer holds. */
  interface BodyFile {
    /** Fills {@code into} from byte {@code position} of the segment starting at {@code base}. */
    void read(long segmentBase, long position, byte[] into) throws IOException;
  }

  /** Messages per block; a power of two keeps the index arrays cache friendly. */
  static final int BLOCK_MESSAGES = 4096;

  /** A block stops taking messages once its payload passes this size (large messages). */
  static final int BLOCK_BYTES = 4 << 20;

  private static final int INITIAL_BLOCK_BYTES = 16 << 10;

  private final ArrayList<Block> blocks = new ArrayList<>();
  private final BodyFile file;
  private final BodyCache cache;
  /** File-backed blocks holding their bodies, least recently read first. */
  private final ArrayDeque<Block> cached = new ArrayDeque<>();
  private long cachedBytes;
  private long writtenBelow;
  private long firstOffset;
  private long nextOffset;
  private long retainedBytes;
  private long lastTimestamp = Long.MIN_VALUE;

  /** A store that holds every body in memory. */
  MessageStore(long startOffset) {
    this(startOffset, null, null);
  }

  private MessageStore(long startOffset, BodyFile file, BodyCache cache) {
    this.firstOffset = startOffset;
    this.nextOffset = startOffset;
    this.writtenBelow = startOffset;
    this.file = file;
    this.cache = cache;
  }

  /**
   * A store whose bodies are also in segment files: it holds a body in memory only until it is
   * written, and then while the log's {@code cache} has room, the blocks read most recently first.
   */
  static MessageStore paged(long startOffset, BodyFile file, BodyCache cache) {
    return new MessageStore(startOffset, file, cache);
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
    if (file != null) {
      throw new IllegalStateException("a file-backed store needs the body's place in its file");
    }
    return append(timestamp, body, -1, -1);
  }

  /**
   * Copies {@code body}, written at {@code bodyPosition} of the segment starting at {@code
   * segmentBase}, into a file-backed store.
   *
   * @return the offset it got
   */
  long append(long timestamp, byte[] body, long segmentBase, long bodyPosition) {
    Block block = tailFor(body.length, segmentBase, bodyPosition);
    int before = block.data.length;
    block.add(timestamp, body, bodyPosition);
    if (file != null) {
      charge(block.data.length - before);
    }
    return appended(timestamp, body.length);
  }

  /**
   * Indexes a message that is only in its segment file, as recovery finds it: the body is read
   * when a reader asks for it.
   */
  long appendWritten(long timestamp, int size, long segmentBase, long bodyPosition) {
    Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
    if (last == null
        || last.data != null
        || !last.sameFile(segmentBase)
        || !last.hasRoomForWritten(size)) {
      last = new Block(nextOffset, segmentBase, bodyPosition);
      blocks.add(last);
    }
    last.addWritten(timestamp, size, bodyPosition);
    writtenBelow = nextOffset + 1;
    return appended(timestamp, size);
  }

  /**
   * Tells the store that every message below {@code offset} is in its file, so its body may leave
   * memory.
   */
  void writtenBelow(long offset) {
    if (file != null && offset > writtenBelow) {
      writtenBelow = offset;
      evict(null);
    }
  }

  /** Gives the log's cache back what this store holds: the stream is being deleted. */
  void release() {
    if (file != null) {
      charge(-cachedBytes);
      cached.clear();
    }
  }

  private void charge(long bytes) {
    cachedBytes += bytes;
    cache.charge(bytes);
  }

  /** Bytes of bodies held in memory, for tests. */
  long bodyBytesInMemory() {
    long total = 0;
    for (Block b : blocks) {
      total += b.data == null ? 0 : b.data.length;
    }
    return total;
  }

  private Block tailFor(int size, long segmentBase, long bodyPosition) {
    Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
    if (last != null && last.hasRoomFor(size) && last.sameFile(segmentBase)) {
      return last;
    }
    Block block = new Block(nextOffset, size, segmentBase, bodyPosition);
    blocks.add(block);
    if (file != null) {
      cached.addLast(block);
      charge(block.data.length);
    }
    return block;
  }

  private long appended(long timestamp, int size) {
    retainedBytes += size;
    lastTimestamp = Math.max(lastTimestamp, timestamp);
    long offset = nextOffset++;
    evict(null);
    return offset;
  }

  long timestampAt(long offset) {
    Block b = blockOf(offset);
    return b.timestamps[(int) (offset - b.baseOffset)];
  }

  int sizeAt(long offset) {
    Block b = blockOf(offset);
    return b.size((int) (offset - b.baseOffset));
  }

  /**
   * A fresh copy of the message at {@code offset}: the caller owns its body.
   *
   * @throws UncheckedIOException when a file-backed body cannot be read back
   */
  LogMessage message(String stream, long offset) {
    Block b = blockOf(offset);
    holdBodies(b);
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
      for (Block b : blocks.subList(0, drop)) {
        forget(b);
      }
      blocks.subList(0, drop).clear();
    }
  }

  /** Makes sure {@code b} holds its bodies, reading them back from the file if it must. */
  private void holdBodies(Block b) {
    if (file == null) {
      return;
    }
    if (b.data == null) {
      try {
        b.load(file);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read back messages from offset " + b.baseOffset + " of segment " + b.segmentBase,
            e);
      }
      charge(b.data.length);
      cached.addLast(b);
      evict(b);
    } else if (cached.peekLast() != b && cached.remove(b)) {
      cached.addLast(b);
    }
  }

  /**
   * While the log's cache is over its budget, drops the bodies of this stream's least recently read
   * written blocks, except {@code keep} (the block being read) and blocks that must stay.
   */
  private void evict(Block keep) {
    if (file == null || !cache.isOver()) {
      return;
    }
    Block tail = blocks.get(blocks.size() - 1);
    var it = cached.iterator();
    while (cache.isOver() && it.hasNext()) {
      Block b = it.next();
      // the block being filled, or one with bodies still only in memory, must keep them
      if ((b == tail && b.open) || b == keep || b.endOffset() > writtenBelow) {
        continue;
      }
      it.remove();
      charge(-b.data.length);
      b.data = null;
    }
  }

  private void forget(Block b) {
    if (b.data != null && file != null && cached.remove(b)) {
      charge(-b.data.length);
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

  /**
   * Up to {@link #BLOCK_MESSAGES} consecutive messages: timestamps, end positions, payload and, when
   * file-backed, where each body is in the one segment file that holds the whole block. {@code
   * data} is null while the bodies are only in the file.
   */
  private static final class Block {
    final long baseOffset;
    final long[] timestamps = new long[BLOCK_MESSAGES];
    final int[] ends = new int[BLOCK_MESSAGES];
    final long segmentBase;
    final long filePosition;
    /** Each body's position in the segment file, relative to {@link #filePosition}; or null. */
    final int[] fileOffsets;
    byte[] data;
    int count;
    /** Whether more messages may join: never after the bodies left memory once. */
    boolean open = true;

    /** A block in memory, or one that a file-backed store fills as it writes. */
    Block(long baseOffset, int firstMessageSize, long segmentBase, long filePosition) {
      this.baseOffset = baseOffset;
      this.data = new byte[Math.max(INITIAL_BLOCK_BYTES, firstMessageSize)];
      this.segmentBase = segmentBase;
      this.filePosition = filePosition;
      this.fileOffsets = segmentBase < 0 ? null : new int[BLOCK_MESSAGES];
    }

    /** A block of messages already written, whose bodies stay in the file until read. */
    Block(long baseOffset, long segmentBase, long filePosition) {
      this.baseOffset = baseOffset;
      this.segmentBase = segmentBase;
      this.filePosition = filePosition;
      this.fileOffsets = new int[BLOCK_MESSAGES];
      this.open = false;
    }

    long endOffset() {
      return baseOffset + count;
    }

    int used() {
      return count == 0 ? 0 : ends[count - 1];
    }

    /** As {@link #hasRoomFor}, for a block rebuilt from its file: the same limits. */
    boolean hasRoomForWritten(int size) {
      return count < BLOCK_MESSAGES && (count == 0 || (long) used() + size <= BLOCK_BYTES);
    }

    boolean sameFile(long base) {
      return segmentBase == base;
    }

    boolean hasRoomFor(int size) {
      // an empty block takes any message, however large, so that every message fits somewhere
      return open && data != null && hasRoomForWritten(size);
    }

    void add(long timestamp, byte[] body, long bodyPosition) {
      int start = used();
      int end = start + body.length;
      if (end > data.length) {
        data = Arrays.copyOf(data, Math.max(end, (int) Math.min(BLOCK_BYTES, 2L * data.length)));
      }
      System.arraycopy(body, 0, data, start, body.length);
      if (fileOffsets != null) {
        fileOffsets[count] = Math.toIntExact(bodyPosition - filePosition);
      }
      timestamps[count] = timestamp;
      ends[count] = end;
      count++;
    }

    void addWritten(long timestamp, int size, long bodyPosition) {
      fileOffsets[count] = Math.toIntExact(bodyPosition - filePosition);
      timestamps[count] = timestamp;
      ends[count] = used() + size;
      count++;
    }

    /** Reads the bodies back: one read of the file range the block spans, then packed. */
    void load(BodyFile file) throws IOException {
      int last = count - 1;
      byte[] span = new byte[fileOffsets[last] + size(last)];
      file.read(segmentBase, filePosition, span);
      byte[] bodies = new byte[used()];
      for (int i = 0; i < count; i++) {
        System.arraycopy(span, fileOffsets[i], bodies, i == 0 ? 0 : ends[i - 1], size(i));
      }
      data = bodies;
      open = false;
    }

    int size(int i) {
      return ends[i] - (i == 0 ? 0 : ends[i - 1]);
    }
  }
}

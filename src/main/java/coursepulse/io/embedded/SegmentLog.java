package coursepulse.io.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import coursepulse.engine.log.LogException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only files behind one stream of a file-backed {@link EmbeddedStreamLog}.
 *
 * <p>A stream directory holds segment files named after the offset of their first message ({@code
 * 00000000000000000000.segment}). A segment is a sequence of frames, {@code [int length][int
 * CRC-32C of the payload][payload]}, big-endian, whose payload starts with a type byte:
 *
 * <ul>
 *   <li>{@code SNAPSHOT}: always the first frame of a segment: next offset, newest timestamp, and
 *       the deduplication state (producer name, last publishing id) and consumer offsets as they
 *       were when the segment started, so older segments can be deleted without losing state;
 *   <li>{@code PRODUCER}: declares a segment-local index for a producer name, so that messages
 *       carry a 4-byte index rather than the name;
 *   <li>{@code MESSAGE}: offset, timestamp, producer index (-1: none), publishing id, body;
 *   <li>{@code CONSUMER_OFFSET}: a named consumer's stored offset.
 * </ul>
 *
 * <p>A message and the publishing id that deduplicates it live in one frame, so after a crash they
 * are either both kept or both lost. Frames are collected in a buffer and written to the file when
 * it fills, when a writer flushes, when an offset is stored and when a reader has caught up with
 * everything written; {@link #force()} then fsyncs according to the {@link
 * EmbeddedStreamLog.FsyncPolicy}. On recovery a frame that is incomplete or fails its CRC ends the
 * last segment: the file is truncated there (a torn write). The same damage in an older segment is
 * corruption and stops the log from opening rather than silently losing data.
 *
 * <p>Recovery indexes the messages without keeping their bodies; the {@link MessageStore} reads
 * them back through {@link #read} when a reader needs them.
 *
 * <p>Not thread-safe: the owning {@link StreamState} guards it.
 */
final class SegmentLog implements AutoCloseable, MessageStore.BodyFile {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);

  static final String SEGMENT_SUFFIX = ".segment";

  private static final byte SNAPSHOT = 1;
  private static final byte PRODUCER = 2;
  private static final byte MESSAGE = 3;
  private static final byte CONSUMER_OFFSET = 4;

  private static final int FRAME_HEADER = 8;
  private static final int MESSAGE_HEADER = 1 + 8 + 8 + 4 + 8;
  private static final int BUFFER_BYTES = 256 << 10;

  private final Path directory;
  private final long segmentBytes;
  private final EmbeddedStreamLog.FsyncPolicy fsyncPolicy;
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final Map<String, Integer> producerIndexes = new HashMap<>();
  private final CRC32C crc = new CRC32C();

  private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
  private FileChannel channel;
  private FileChannel readChannel;
  private long readChannelBase = -1;
  private long activeSize;
  private long firstBufferedOffset = -1;
  private boolean unforced;

  /** State written at the start of each segment. */
  record Snapshot(
      long nextOffset,
      long lastTimestamp,
      Map<String, Long> producers,
      Map<String, Long> consumers) {}

  /** A stream read back from its directory. */
  record Recovered(
      SegmentLog log,
      MessageStore store,
      Map<String, Long> producers,
      Map<String, Long> consumers,
      long truncatedBytes) {}

  private SegmentLog(Path directory, long segmentBytes, EmbeddedStreamLog.FsyncPolicy fsyncPolicy) {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.fsyncPolicy = fsyncPolicy;
  }

  /** Writes the first, empty segment of a new stream into {@code directory} and closes it. */
  static void initialise(Path directory, EmbeddedStreamLog.FsyncPolicy fsyncPolicy)
      throws IOException {
    SegmentLog log = new SegmentLog(directory, Long.MAX_VALUE, fsyncPolicy);
    log.startSegment(new Snapshot(0, Long.MIN_VALUE, Map.of(), Map.of()));
    log.spill();
    log.channel.force(true);
    log.close();
  }

  /**
   * Reads every segment of {@code directory} (checking every frame), indexes its messages and
   * rebuilds the stream's producer and consumer state, truncates a torn tail, and leaves the newest
   * segment open for appending.
   *
   * @throws LogException when a segment other than the newest is damaged or offsets do not line up
   */
  static Recovered recover(
      Path directory,
      long segmentBytes,
      EmbeddedStreamLog.FsyncPolicy fsyncPolicy,
      BodyCache cache)
      throws IOException {
    SegmentLog log = new SegmentLog(directory, segmentBytes, fsyncPolicy);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SEGMENT_SUFFIX)) {
      for (Path file : files) {
        log.segments.put(baseOffsetOf(file), file);
      }
    }
    Replay replay = new Replay(log, cache);
    long truncated = 0;
    List<Map.Entry<Long, Path>> entries = new ArrayList<>(log.segments.entrySet());
    for (int i = 0; i < entries.size(); i++) {
      boolean newest = i == entries.size() - 1;
      truncated += replay.segment(entries.get(i).getKey(), entries.get(i).getValue(), newest);
    }
    long base = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).getKey();
    if (replay.store == null) {
      replay.store = MessageStore.paged(base, log, cache);
    }
    log.openNewest(replay);
    return new Recovered(log, replay.store, replay.producers, replay.consumers, truncated);
  }

  /** Offset of the oldest message still only in the buffer, or -1 when none is. */
  long firstBufferedOffset() {
    return firstBufferedOffset;
  }

  /** Whether the active segment is full, so the next message should start a new one. */
  boolean shouldRoll() {
    return activeSize + buffer.position() >= segmentBytes;
  }

  /** Closes the active segment and starts the next one with {@code snapshot}. */
  void roll(Snapshot snapshot) throws IOException {
    spill();
    if (fsyncPolicy != EmbeddedStreamLog.FsyncPolicy.NEVER) {
      channel.force(false);
    }
    channel.close();
    startSegment(snapshot);
  }

  /**
   * Buffers a message's frame.
   *
   * @return the position its body will have in the active segment, whose base is {@link
   *     #activeBase()}
   */
  long appendMessage(long offset, long timestamp, String producer, long publishingId, byte[] body)
      throws IOException {
    int producerIndex = -1;
    if (producer != null) {
      Integer known = producerIndexes.get(producer);
      if (known == null) {
        known = producerIndexes.size();
        byte[] name = producer.getBytes(UTF_8);
        int start = beginFrame(1 + 4 + 4 + name.length);
        buffer.put(PRODUCER).putInt(known).putInt(name.length).put(name);
        endFrame(start);
        producerIndexes.put(producer, known);
      }
      producerIndex = known;
    }
    int start = beginFrame(MESSAGE_HEADER + body.length);
    long bodyPosition = activeSize + start + FRAME_HEADER + MESSAGE_HEADER;
    buffer
        .put(MESSAGE)
        .putLong(offset)
        .putLong(timestamp)
        .putInt(producerIndex)
        .putLong(publishingId)
        .put(body);
    endFrame(start);
    if (firstBufferedOffset < 0) {
      firstBufferedOffset = offset;
    }
    return bodyPosition;
  }

  /** The base offset of the segment being written, which names its file. */
  long activeBase() {
    return segments.lastKey();
  }

  /**
   * Reads written bytes back from a segment. Positional reads leave the writer's position alone;
   * one read channel stays open, as readers go through a stream's segments in order.
   */
  @Override
  public void read(long segmentBase, long position, byte[] into) throws IOException {
    if (segmentBase != readChannelBase) {
      closeReadChannel();
      Path file = segments.get(segmentBase);
      if (file == null) {
        throw new IOException("segment " + segmentFileName(segmentBase) + " no longer exists");
      }
      readChannel = FileChannel.open(file, StandardOpenOption.READ);
      readChannelBase = segmentBase;
    }
    ByteBuffer target = ByteBuffer.wrap(into);
    while (target.hasRemaining()) {
      int n = readChannel.read(target, position + target.position());
      if (n < 0) {
        throw new IOException(
            "segment " + segmentFileName(segmentBase) + " ends before byte " + position);
      }
    }
  }

  private void closeReadChannel() throws IOException {
    if (readChannel != null) {
      readChannel.close();
      readChannel = null;
      readChannelBase = -1;
    }
  }

  void appendConsumerOffset(String consumer, long offset) throws IOException {
    byte[] name = consumer.getBytes(UTF_8);
    int start = beginFrame(1 + 8 + 4 + name.length);
    buffer.put(CONSUMER_OFFSET).putLong(offset).putInt(name.length).put(name);
    endFrame(start);
  }

  /** Hands every buffered frame to the operating system (survives a JVM crash, not power loss). */
  void spill() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      activeSize += channel.write(buffer);
    }
    buffer.clear();
    firstBufferedOffset = -1;
    unforced = true;
  }

  /** Spills, then fsyncs unless the policy is {@code NEVER}. */
  void force() throws IOException {
    spill();
    if (unforced && fsyncPolicy != EmbeddedStreamLog.FsyncPolicy.NEVER) {
      channel.force(false);
      unforced = false;
    }
  }

  /**
   * Deletes the closed segments whose messages are all below {@code firstRetainedOffset}. The
   * active segment is never deleted.
   */
  void deleteSegmentsBelow(long firstRetainedOffset) throws IOException {
    while (segments.size() > 1) {
      Map.Entry<Long, Path> oldest = segments.firstEntry();
      long nextBase = segments.higherKey(oldest.getKey());
      if (nextBase > firstRetainedOffset) {
        return;
      }
      if (oldest.getKey() == readChannelBase) {
        closeReadChannel();
      }
      Files.deleteIfExists(oldest.getValue());
      segments.remove(oldest.getKey());
      LOG.debug("retention deleted segment {}", oldest.getValue());
    }
  }

  /** Number of segment files, for tests. */
  int segmentCount() {
    return segments.size();
  }

  @Override
  public void close() throws IOException {
    closeReadChannel();
    if (channel != null && channel.isOpen()) {
      try {
        force();
      } finally {
        channel.close();
      }
    }
  }

  /** Closes the file without writing the buffer: for a stream that is being deleted. */
  void abandon() throws IOException {
    buffer.clear();
    firstBufferedOffset = -1;
    closeReadChannel();
    if (channel != null) {
      channel.close();
    }
  }

  private void startSegment(Snapshot snapshot) throws IOException {
    Path file = directory.resolve(segmentFileName(snapshot.nextOffset()));
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    segments.put(snapshot.nextOffset(), file);
    activeSize = 0;
    writeSnapshot(snapshot);
  }

  private void openNewest(Replay replay) throws IOException {
    if (segments.isEmpty()) {
      startSegment(replay.snapshot());
      return;
    }
    Path newest = segments.lastEntry().getValue();
    channel = FileChannel.open(newest, StandardOpenOption.WRITE, StandardOpenOption.READ);
    activeSize = channel.size();
    channel.position(activeSize);
    if (activeSize == 0) {
      // the crash came before the segment's snapshot was written
      writeSnapshot(replay.snapshot());
    } else {
      replay.newestIndexes.forEach((index, name) -> producerIndexes.put(name, index));
    }
  }

  private void writeSnapshot(Snapshot snapshot) throws IOException {
    producerIndexes.clear();
    int size = 1 + 8 + 8 + 4 + 4;
    Map<byte[], Long> producers = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : snapshot.producers().entrySet()) {
      byte[] name = e.getKey().getBytes(UTF_8);
      producers.put(name, e.getValue());
      producerIndexes.put(e.getKey(), producerIndexes.size());
      size += 4 + name.length + 8;
    }
    Map<byte[], Long> consumers = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : snapshot.consumers().entrySet()) {
      byte[] name = e.getKey().getBytes(UTF_8);
      consumers.put(name, e.getValue());
      size += 4 + name.length + 8;
    }
    int start = beginFrame(size);
    buffer.put(SNAPSHOT).putLong(snapshot.nextOffset()).putLong(snapshot.lastTimestamp());
    buffer.putInt(producers.size());
    producers.forEach((name, id) -> buffer.putInt(name.length).put(name).putLong(id));
    buffer.putInt(consumers.size());
    consumers.forEach((name, offset) -> buffer.putInt(name.length).put(name).putLong(offset));
    endFrame(start);
    // a segment must begin with its snapshot on disk before any message can depend on it
    spill();
  }

  private int beginFrame(int payloadLength) throws IOException {
    int frame = FRAME_HEADER + payloadLength;
    if (frame > buffer.remaining()) {
      spill();
      if (frame > buffer.capacity()) {
        buffer = ByteBuffer.allocate(frame);
      }
    } else if (buffer.capacity() > BUFFER_BYTES && buffer.position() == 0) {
      // give back the memory of a one-off large frame
      buffer = ByteBuffer.allocate(Math.max(BUFFER_BYTES, frame));
    }
    int start = buffer.position();
    buffer.position(start + FRAME_HEADER);
    return start;
  }

  private void endFrame(int start) {
    int length = buffer.position() - start - FRAME_HEADER;
    crc.reset();
    crc.update(buffer.array(), start + FRAME_HEADER, length);
    buffer.putInt(start, length);
    buffer.putInt(start + 4, (int) crc.getValue());
  }

  static String segmentFileName(long baseOffset) {
    return String.format("%020d%s", baseOffset, SEGMENT_SUFFIX);
  }

  private static long baseOffsetOf(Path file) {
    String name = file.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
    } catch (NumberFormatException e) {
      throw new LogException("embedded log: unexpected file " + file + " in a stream directory");
    }
  }

  /** Rebuilds a stream's index and state from its segments, oldest first. */
  private static final class Replay {
    private final MessageStore.BodyFile bodies;
    private final BodyCache cache;
    MessageStore store;
    Map<String, Long> producers = new HashMap<>();
    Map<String, Long> consumers = new HashMap<>();
    Map<Integer, String> newestIndexes = new HashMap<>();
    private final CRC32C crc = new CRC32C();

    Replay(MessageStore.BodyFile bodies, BodyCache cache) {
      this.bodies = bodies;
      this.cache = cache;
    }

    Snapshot snapshot() {
      return new Snapshot(store.nextOffset(), store.lastTimestamp(), producers, consumers);
    }

    /** Replays one segment; returns how many bytes of a torn tail were cut off. */
    long segment(long baseOffset, Path file, boolean newest) throws IOException {
      long fileSize = Files.size(file);
      long position = 0;
      String damage = null;
      Map<Integer, String> indexes = new HashMap<>();
      boolean sawSnapshot = false;
      byte[] header = new byte[FRAME_HEADER];
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
        while (position < fileSize) {
          if (!readFully(in, header)) {
            damage = "incomplete frame header";
            break;
          }
          ByteBuffer h = ByteBuffer.wrap(header);
          int length = h.getInt();
          int expectedCrc = h.getInt();
          if (length <= 0 || length > fileSize - position - FRAME_HEADER) {
            damage = "frame length " + length + " beyond the end of the file";
            break;
          }
          byte[] payload = new byte[length];
          if (!readFully(in, payload)) {
            damage = "incomplete frame";
            break;
          }
          crc.reset();
          crc.update(payload, 0, length);
          if ((int) crc.getValue() != expectedCrc) {
            damage = "CRC mismatch";
            break;
          }
          try {
            apply(file, baseOffset, position, ByteBuffer.wrap(payload), indexes, sawSnapshot);
          } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw corrupt(file, position, "frame shorter than its fields");
          }
          sawSnapshot = true;
          position += FRAME_HEADER + length;
        }
      }
      if (newest) {
        newestIndexes = indexes;
      }
      if (damage == null) {
        return 0;
      }
      if (!newest) {
        throw corrupt(file, position, damage);
      }
      LOG.warn(
          "embedded log: {} at byte {} of {}: truncating {} bytes of a torn write",
          damage,
          position,
          file,
          fileSize - position);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(position);
        ch.force(true);
      }
      return fileSize - position;
    }

    private void apply(
        Path file,
        long baseOffset,
        long position,
        ByteBuffer p,
        Map<Integer, String> indexes,
        boolean sawSnapshot) {
      byte type = p.get();
      if (!sawSnapshot && type != SNAPSHOT) {
        throw corrupt(file, position, "segment does not start with a snapshot");
      }
      switch (type) {
        case SNAPSHOT:
          if (sawSnapshot) {
            throw corrupt(file, position, "second snapshot in one segment");
          }
          applySnapshot(file, baseOffset, p, indexes);
          break;
        case PRODUCER:
          indexes.put(p.getInt(), readString(p));
          break;
        case MESSAGE:
          applyMessage(file, baseOffset, position, p, indexes);
          break;
        case CONSUMER_OFFSET:
          long offset = p.getLong();
          consumers.put(readString(p), offset);
          break;
        default:
          throw corrupt(file, position, "unknown frame type " + type);
      }
    }

    private void applySnapshot(
        Path file, long baseOffset, ByteBuffer p, Map<Integer, String> indexes) {
      long nextOffset = p.getLong();
      long lastTimestamp = p.getLong();
      if (nextOffset != baseOffset) {
        throw corrupt(file, 0, "snapshot offset " + nextOffset + " does not match the file name");
      }
      if (store == null) {
        store = MessageStore.paged(nextOffset, bodies, cache);
      } else if (store.nextOffset() != nextOffset) {
        throw corrupt(
            file, 0, "expected offset " + store.nextOffset() + " to continue, found " + nextOffset);
      }
      store.restoreLastTimestamp(lastTimestamp);
      producers = new HashMap<>();
      int producerCount = p.getInt();
      for (int i = 0; i < producerCount; i++) {
        String name = readString(p);
        producers.put(name, p.getLong());
        indexes.put(i, name);
      }
      consumers = new HashMap<>();
      int consumerCount = p.getInt();
      for (int i = 0; i < consumerCount; i++) {
        String name = readString(p);
        consumers.put(name, p.getLong());
      }
    }

    private void applyMessage(
        Path file, long baseOffset, long position, ByteBuffer p, Map<Integer, String> indexes) {
      long offset = p.getLong();
      long timestamp = p.getLong();
      int producerIndex = p.getInt();
      long publishingId = p.getLong();
      if (offset != store.nextOffset()) {
        throw corrupt(
            file, position, "expected offset " + store.nextOffset() + ", found " + offset);
      }
      // the body stays in the file: the store reads it back when a reader comes to it
      store.appendWritten(
          timestamp, p.remaining(), baseOffset, position + FRAME_HEADER + MESSAGE_HEADER);
      if (producerIndex >= 0) {
        String producer = indexes.get(producerIndex);
        if (producer == null) {
          throw corrupt(file, position, "undeclared producer index " + producerIndex);
        }
        producers.merge(producer, publishingId, Math::max);
      }
    }

    private static String readString(ByteBuffer p) {
      byte[] bytes = new byte[p.getInt()];
      p.get(bytes);
      return new String(bytes, UTF_8);
    }

    private static boolean readFully(InputStream in, byte[] into) throws IOException {
      int read = 0;
      while (read < into.length) {
        int n = in.read(into, read, into.length - read);
        if (n < 0) {
          return false;
        }
        read += n;
      }
      return true;
    }

    private static LogException corrupt(Path file, long position, String what) {
      return new LogException(
          "embedded log: segment "
              + file
              + " is damaged at byte "
              + position
              + " ("
              + what
              + "); move the stream directory aside or delete it to start that stream afresh");
    }
  }
}

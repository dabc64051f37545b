package coursepulse.io.embedded;

import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.KeyRouting;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.PartitionListener;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StreamLog} inside this JVM, with the semantics of RabbitMQ Streams: dense offsets from
 * 0, timestamp lookup, named-consumer offsets and producer deduplication. The engine's tests and
 * the {@code demo} command run on it.
 *
 * <pre>{@code
 * try (StreamLog log = EmbeddedStreamLog.inMemory()) {
 *   log.createStream("02-Login", Retention.unlimited());
 *   try (LogWriter writer = log.writer("02-Login", "simulator")) {
 *     writer.append(writer.lastPublishingId() + 1, body);
 *   }
 *   try (LogReader reader = log.reader("02-Login", OffsetSpec.first())) {
 *     LogMessage m = reader.poll(Duration.ofSeconds(1));
 *   }
 * }
 * }</pre>
 *
 * <p><b>Semantics.</b> Each message gets a timestamp from the injected {@link Clock} (default
 * {@link Clock#systemUTC()}), raised if needed so that timestamps never decrease within a stream
 * even when the clock goes back; {@link OffsetSpec#timestamp} is a binary search over them. Every
 * message is its own chunk, so {@link OffsetSpec#last()} starts at the newest message and {@link
 * StreamStats#lastOffset()} is exact. An absolute offset below the retained range starts at the
 * oldest message; one beyond the end waits for the next message. Appends are synchronous: a message
 * is stored, or dropped as a duplicate, when {@link LogWriter#append} returns.
 *
 * <p><b>Retention.</b> {@link Retention#maxAge()} drops messages older than that by their
 * timestamp; {@link Retention#maxLengthBytes()} drops the oldest messages while the sum of the
 * retained bodies exceeds it. Both are applied as messages are appended and when readers or stats
 * look at the stream. The first offset moves up; offsets are never reused; the newest message is
 * always kept. A reader positioned on a removed message continues at the oldest one kept.
 *
 * <p><b>Memory.</b> Messages are packed into large arrays (about 12 bytes of overhead each); a
 * reader buffers at most {@link Builder#readerBufferSize(int)} messages and refills only when
 * polled. In memory only, every retained message is in the heap. File-backed, the heap holds an
 * index of about 16 bytes per message, the bodies not yet written, and a cache of written bodies for all
 * streams together ({@link Builder#cacheBytes(long)}); the rest is read back from the segment
 * files, a block of up to 4,096 messages at a time, when a reader comes to it. So a file-backed log
 * holds streams far larger than the heap.
 *
 * <p><b>Files.</b> {@link #open(Path)} keeps each stream in append-only segment files (see {@code
 * SegmentLog} for the format: length-prefixed, CRC-32C-checked frames), including producer
 * deduplication state and consumer offsets, and reads them back on the next open. A torn last write
 * (an incomplete or corrupt tail of the newest segment) is truncated with a warning. A reader sees
 * a message only once it has been handed to the operating system, so nothing a reader processed can
 * vanish in a JVM crash. Durability against power loss follows the {@link FsyncPolicy}: by default
 * {@link LogWriter#flush} fsyncs. One process at a time may open a directory.
 *
 * <p><b>Partitions and groups.</b> {@link #createSuperStream} makes a partitioned stream the way
 * RabbitMQ makes a super stream: plain streams {@code <name>-0} to {@code <name>-(n-1)}, listed by
 * {@link #partitions}; a file-backed log remembers which streams are partitioned in {@code
 * super-streams.properties}. {@link #partitionFor} routes like RabbitMQ ({@link KeyRouting}), so
 * keys land in the same partitions on both logs. {@link #joinGroup} follows RabbitMQ's rule for
 * single active consumers on a super stream (see {@code EmbeddedGroups}): partition {@code k} to
 * member {@code k % members} in join order, revoked before it is assigned elsewhere, listener calls
 * on one thread of the log.
 *
 * <p><b>Threading.</b> Thread-safe: each stream has its own lock, and a reader waiting for data
 * sleeps on a condition that appends signal. Writers and readers, as the port says, belong to one
 * thread each. {@link #close()} flushes and closes every stream, writer and reader.
 */
public final class EmbeddedStreamLog implements StreamLog {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStreamLog.class);

  /** RabbitMQ's limit on stream names, kept so that what works here works there. */
  private static final int MAX_STREAM_NAME_LENGTH = 255;

  /** When a file-backed log asks the operating system to put data on disk. */
  public enum FsyncPolicy {
    /**
     * {@link LogWriter#flush}, segment roll-over and {@link #close()} fsync; the default. Data a
     * flush returned for survives power loss. Stored consumer offsets reach the operating system at
     * once and the disk with the next fsync: after a power loss a consumer may re-process a little,
     * never skip.
     */
    ON_FLUSH,
    /**
     * Never fsync: data reaches the operating system (and survives a JVM crash) but the disk only
     * when the operating system writes it back. For throughput tests and throw-away demos.
     */
    NEVER
  }

  private final Clock clock;
  private final int readerBufferSize;
  private final long segmentBytes;
  private final BodyCache cache;
  private final FsyncPolicy fsyncPolicy;
  private final LogDirectory directory;
  private final ConcurrentHashMap<String, StreamState> streams = new ConcurrentHashMap<>();
  private final Set<Object> handles = ConcurrentHashMap.newKeySet();
  private final Object catalogLock = new Object();
  // Partitioned streams: name to partition count (guarded by catalogLock for writes).
  private final Map<String, Integer> superStreams = new ConcurrentHashMap<>();
  private final EmbeddedGroups groups = new EmbeddedGroups();
  private volatile boolean closed;

  private EmbeddedStreamLog(Builder builder, LogDirectory directory) {
    this.clock = builder.clock;
    this.readerBufferSize = builder.readerBufferSize;
    this.segmentBytes = builder.segmentBytes;
    this.cache = new BodyCache(builder.cacheBytes);
    this.fsyncPolicy = builder.fsyncPolicy;
    this.directory = directory;
  }

  /** An empty log held only in memory, on the system UTC clock. */
  public static EmbeddedStreamLog inMemory() {
    return builder().build();
  }

  /**
   * A log kept in {@code directory} (created if missing), with whatever streams it held before.
   *
   * @throws LogException when the directory is in use by another process or a segment is damaged
   *     beyond a torn tail
   */
  public static EmbeddedStreamLog open(Path directory) {
    return builder().directory(directory).build();
  }

  /** Options beyond the two factory methods: clock, fsync policy, buffer and segment sizes. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void createStream(String stream, Retention retention) {
    validateName(stream);
    Retention effective = retention == null ? Retention.unlimited() : retention;
    synchronized (catalogLock) {
      checkOpen();
      if (streams.containsKey(stream)) {
        return;
      }
      StreamState state;
      if (directory == null) {
        state = StreamState.inMemory(stream, effective);
      } else {
        try {
          Path dir = directory.create(stream, effective, fsyncPolicy);
          state =
              StreamState.recovered(
                  stream,
                  effective,
                  dir,
                  SegmentLog.recover(dir, segmentBytes, fsyncPolicy, cache),
                  clock.millis());
        } catch (IOException e) {
          throw new LogException(
              "embedded log: cannot create stream '"
                  + stream
                  + "' in "
                  + directory.root()
                  + " ("
                  + e
                  + ")",
              e);
        }
      }
      streams.put(stream, state);
    }
  }

  @Override
  public void deleteStream(String stream) {
    Objects.requireNonNull(stream, "stream");
    synchronized (catalogLock) {
      checkOpen();
      StreamState state = streams.remove(stream);
      if (state == null) {
        return;
      }
      try {
        state.markDeleted();
        if (directory != null) {
          directory.delete(state.directory());
        }
      } catch (IOException e) {
        throw new LogException(
            "embedded log: stream '"
                + stream
                + "' is gone but its files could not be removed ("
                + e
                + ")",
            e);
      }
    }
  }

  @Override
  public boolean streamExists(String stream) {
    checkOpen();
    return streams.containsKey(stream);
  }

  @Override
  public Optional<StreamStats> stats(String stream) {
    return require(stream).stats(clock.millis());
  }

  @Override
  public LogWriter writer(String stream, String producerName) {
    StreamState state = require(stream);
    StreamState.Producer producer = producerName == null ? null : state.producer(producerName);
    EmbeddedWriter writer = new EmbeddedWriter(this, state, producer);
    register(writer);
    return writer;
  }

  @Override
  public LogReader reader(String stream, OffsetSpec from) {
    Objects.requireNonNull(from, "from");
    StreamState state = require(stream);
    long start = state.startOffset(from, clock.millis());
    EmbeddedReader reader = new EmbeddedReader(this, state, start, readerBufferSize);
    register(reader);
    return reader;
  }

  @Override
  public void storeOffset(String consumerName, String stream, long offset) {
    Objects.requireNonNull(consumerName, "consumerName");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    require(stream).storeOffset(consumerName, offset);
  }

  @Override
  public OptionalLong queryOffset(String consumerName, String stream) {
    Objects.requireNonNull(consumerName, "consumerName");
    return require(stream).queryOffset(consumerName);
  }

  /**
   * Declares a partitioned stream: plain streams {@code <name>-0} to {@code <name>-(partitions-1)},
   * each with {@code retention}, listed by {@link #partitions}. One that exists already is kept as
   * it is (its partition count is not changed), as on RabbitMQ.
   *
   * @param name the partitioned stream's name, e.g. {@code 02-Login}
   * @param partitions number of partitions, at least 1
   * @param retention retention of each partition; {@code null} keeps everything
   */
  public void createSuperStream(String name, int partitions, Retention retention) {
    validateName(name);
    if (partitions < 1) {
      throw new IllegalArgumentException("a super stream needs at least one partition: " + partitions);
    }
    validateName(name + "-" + (partitions - 1));
    synchronized (catalogLock) {
      checkOpen();
      Integer existing = superStreams.get(name);
      if (existing != null) {
        if (existing != partitions) {
          LOG.warn(
              "Super stream '{}' exists already (partitions {}); keeping it as it is",
              name, existing);
        }
        return;
      }
      for (int k = 0; k < partitions; k++) {
        createStream(name + "-" + k, retention);
      }
      superStreams.put(name, partitions);
      persistSuperStreams(name);
    }
  }

  /** Deletes a partitioned stream with its partitions and their data; nothing when it is absent. */
  public void deleteSuperStream(String name) {
    Objects.requireNonNull(name, "name");
    synchronized (catalogLock) {
      checkOpen();
      Integer partitions = superStreams.remove(name);
      if (partitions == null) {
        return;
      }
      persistSuperStreams(name);
      for (int k = 0; k < partitions; k++) {
        deleteStream(name + "-" + k);
      }
    }
  }

  /** {@inheritDoc} Here: the partitions made by {@link #createSuperStream}. */
  @Override
  public List<String> partitions(String stream) {
    Objects.requireNonNull(stream, "stream");
    checkOpen();
    Integer count = superStreams.get(stream);
    if (count == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      names.add(stream + "-" + k);
    }
    return List.copyOf(names);
  }

  /** {@inheritDoc} Here: RabbitMQ's super-stream routing, {@link KeyRouting}. */
  @Override
  public int partitionFor(String key, int partitionCount) {
    return KeyRouting.partition(key, partitionCount);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: partition {@code k} belongs to member {@code k % members} in join order; listener
   * calls run on one thread of this log. Leaving (closing the membership) hands its partitions to
   * the others at once; this log has no member that dies without leaving.
   *
   * @throws StreamNotFoundException when {@code stream} is not a partitioned stream
   */
  @Override
  public GroupMembership joinGroup(String group, String stream, PartitionListener listener) {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(listener, "listener");
    List<String> partitions = partitions(stream);
    if (partitions.isEmpty()) {
      throw new StreamNotFoundException(
          stream,
          "'" + stream + "' is not a partitioned stream, so it cannot be spread over a group:"
              + " create the inputs with 'coursepulse streams --create --partitions N'");
    }
    return groups.join(group, stream, partitions.size(), listener);
  }

  private void persistSuperStreams(String changed) {
    if (directory == null) {
      return;
    }
    try {
      directory.writeSuperStreams(new TreeMap<>(superStreams));
    } catch (IOException e) {
      throw new LogException(
          "embedded log: cannot record super stream '" + changed + "' in " + directory.root()
              + " (" + e + ")",
          e);
    }
  }

  /** A file-backed log's id (see {@link LogDirectory#identity}); none for one in memory. */
  @Override
  public Optional<String> identity() {
    return directory == null ? Optional.empty() : Optional.of(directory.identity());
  }

  @Override
  public String describe() {
    return directory == null
        ? "embedded log (in memory)"
        : "embedded log in " + directory.root().toAbsolutePath();
  }

  /**
   * Closes every writer and reader, writes and closes every stream's files (fsync per policy) and
   * releases the directory. Readers blocked in {@code poll} wake up with a {@link LogException}.
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (catalogLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    groups.close();
    for (Object handle : handles) {
      if (handle instanceof EmbeddedWriter) {
        ((EmbeddedWriter) handle).release();
      } else if (handle instanceof EmbeddedReader) {
        ((EmbeddedReader) handle).release();
      }
    }
    handles.clear();
    List<IOException> failures = new ArrayList<>();
    for (StreamState state : streams.values()) {
      try {
        state.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (directory != null) {
      try {
        directory.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      LogException e =
          new LogException(
              "embedded log: could not close " + describe() + " cleanly: " + failures.get(0),
              failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  /** Number of segment files of a file-backed stream: for tests. */
  int segmentCount(String stream) {
    return require(stream).segmentCount();
  }

  /** Bytes of written message bodies the streams keep in the log's cache, for tests. */
  long cachedBodyBytes() {
    return cache.heldBytes();
  }

  /** Bytes of {@code stream}'s message bodies in the heap, for tests. */
  long bodyBytesInMemory(String stream) {
    return require(stream).bodyBytesInMemory();
  }

  Clock clock() {
    return clock;
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new LogException("embedded log is closed");
    }
  }

  void forget(Object handle) {
    handles.remove(handle);
  }

  private void register(Object handle) {
    handles.add(handle);
    if (closed) {
      // close() ran between require() and here: do not hand out a handle it missed
      handles.remove(handle);
      throw new LogException("embedded log is closed");
    }
  }

  private StreamState require(String stream) {
    Objects.requireNonNull(stream, "stream");
    checkOpen();
    StreamState state = streams.get(stream);
    if (state == null) {
      throw new StreamNotFoundException(stream);
    }
    return state;
  }

  private static void validateName(String stream) {
    Objects.requireNonNull(stream, "stream");
    if (stream.isBlank() || stream.length() > MAX_STREAM_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "stream name must be 1 to "
              + MAX_STREAM_NAME_LENGTH
              + " characters, was '"
              + stream
              + "'");
    }
  }

  private void load() {
    try {
      superStreams.putAll(directory.readSuperStreams());
      for (LogDirectory.StoredStream stored : directory.list()) {
        SegmentLog.Recovered recovered =
            SegmentLog.recover(stored.directory(), segmentBytes, fsyncPolicy, cache);
        StreamState state =
            StreamState.recovered(
                stored.name(), stored.retention(), stored.directory(), recovered, clock.millis());
        streams.put(stored.name(), state);
        LOG.info(
            "embedded log: recovered stream '{}' ({} messages from offset {})",
            stored.name(),
            recovered.store().nextOffset() - recovered.store().firstOffset(),
            recovered.store().firstOffset());
      }
    } catch (IOException e) {
      throw new LogException("embedded log: cannot read " + directory.root() + " (" + e + ")", e);
    }
  }

  /**
   * Options of an {@link EmbeddedStreamLog}. Every setter documents its default; {@link #build()}
   * may be called more than once.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Path directory;
    private FsyncPolicy fsyncPolicy = FsyncPolicy.ON_FLUSH;
    private int readerBufferSize = 256;
    private long segmentBytes = 64L << 20;
    private long cacheBytes = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);

    private Builder() {}

    /**
     * The clock that stamps messages and drives age retention. Default {@link Clock#systemUTC()}.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Keep the streams in this directory. Default: none, the log lives in memory only. */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** When file-backed data is fsynced. Default {@link FsyncPolicy#ON_FLUSH}. */
    public Builder fsyncPolicy(FsyncPolicy fsyncPolicy) {
      this.fsyncPolicy = Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
      return this;
    }

    /** Most messages a reader holds at once. Default 256. */
    public Builder readerBufferSize(int messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("readerBufferSize must be >= 1, was " + messages);
      }
      this.readerBufferSize = messages;
      return this;
    }

    /**
     * Size at which a file-backed stream starts a new segment file; retention deletes whole
     * segments. Default 64 MiB.
     */
    public Builder segmentBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("segmentBytes must be >= 1024, was " + bytes);
      }
      this.segmentBytes = bytes;
      return this;
    }

    /**
     * Most bytes of written message bodies a file-backed log keeps in memory, all its streams
     * together, for readers that come to them later; others are read back from the segment files
     * when needed. Beyond it stay only what must: the block each stream is filling, messages not
     * yet written, and the block each reader is on. In memory only, every body stays. Default: a
     * sixteenth of the maximum heap, at most 64 MiB (6 MiB in a 96 MiB heap, 64 MiB from 1 GiB).
     */
    public Builder cacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cacheBytes must be >= 0, was " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /**
     * Opens the log; with a directory, recovers the streams stored there.
     *
     * @throws LogException when the directory cannot be used
     */
    public EmbeddedStreamLog build() {
      if (directory == null) {
        return new EmbeddedStreamLog(this, null);
      }
      LogDirectory dir;
      try {
        dir = LogDirectory.open(directory);
      } catch (IOException e) {
        throw new LogException("embedded log: cannot open " + directory + " (" + e + ")", e);
      }
      EmbeddedStreamLog log = new EmbeddedStreamLog(this, dir);
      try {
        log.load();
      } catch (RuntimeException e) {
        log.close();
        throw e;
      }
      return log;
    }
  }
}

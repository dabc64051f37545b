package coursepulse.engine.internal;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of the tasks of a partitioned engine, kept in a stream of the log ({@code
 * <applicationId>-checkpoints}, shared by all tasks) so that a task restores on whichever instance
 * holds it next, without the old instance's disk. The local state directory keeps a copy as a
 * cache; restoring takes the newer of the two by checkpoint sequence (sequences continue across
 * instances, since each restore continues from the sequence it restored).
 *
 * <p>Finding a task's newest snapshot without reading the whole stream: before appending a full
 * checkpoint, the store notes the stream's current end; once the snapshot is confirmed, it stores
 * that position as the offset of the named consumer {@code <applicationId>-task-<k>}. Restoring
 * reads from there to the end — the full checkpoint and the deltas after it (see {@link
 * Checkpoint}), a window of a few checkpoint intervals of all tasks' snapshots. Retention of the
 * stream is by size (see {@link #RETENTION}); a task that holds its partition writes a snapshot at
 * least every checkpoint interval when its state changed, so its newest one is always recent.
 *
 * <p><b>A holder that lost the task.</b> An instance that stood still past its lease may wake up
 * with a checkpoint in flight: its lease check passed before the pause, its append runs after.
 * Each task therefore writes under its own producer name ({@link #producerName}) with the
 * checkpoint's sequence as publishing id, and a task that restores continues one sequence above
 * what it restored (or above the last the log stored for that name, if higher; see {@link
 * #continueAfter}). The late one can only carry the sequence right after the restored one: if it
 * lands after the new holder's first checkpoint the log drops it (its id is not above the last
 * stored); if it lands before, it is a consistent snapshot under a sequence nobody builds on,
 * below the new holder's.
 *
 * <p>Message layout: magic {@code CPT1}, the task's partition, the writing instance, the wall-clock
 * time of writing (for operators only), then {@link Checkpoint#toBytes()} (with its own CRC).
 */
final class LogCheckpointStore implements CheckpointStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LogCheckpointStore.class);
  private static final int MAGIC = 0x43505431; // "CPT1"
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TAIL_WAIT = Duration.ofMillis(300);
  private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);
  private static final Duration GAP_WAIT = Duration.ofSeconds(2);
  // stored positions after the newest snapshots: one per task that checkpointed since
  private static final long TRAILING_ENTRIES = 64;

  /** Retention of the checkpoint stream: by size only, so an idle application keeps its state. */
  static final Retention RETENTION = new Retention(null, 2L * 1024 * 1024 * 1024);

  private final StreamLog log;
  private final String stream;
  private final String applicationId;
  private final int partition;
  private final String instance;
  private final LocalCheckpointStore cache;
  private LogWriter writer;
  private byte[] lastWritten;

  LogCheckpointStore(
      StreamLog log, String applicationId, int partition, String instance, Path cacheDir) {
    this.log = log;
    this.stream = streamName(applicationId);
    this.applicationId = applicationId;
    this.partition = partition;
    this.instance = instance;
    this.cache = new LocalCheckpointStore(cacheDir);
  }

  @Override
  public String toString() {
    return "stream '" + stream + "' (task " + partition + ", cached in " + cache + ")";
  }

  /** The checkpoint stream of an application. */
  static String streamName(String applicationId) {
    return applicationId + "-checkpoints";
  }

  /** The producer name under which task {@code partition} writes its checkpoints. */
  static String producerName(String applicationId, int partition) {
    return applicationId + "-checkpoints-task-" + partition;
  }

  /** The named consumer whose stored offset marks where task {@code partition}'s newest starts. */
  static String positionName(String applicationId, int partition) {
    return applicationId + "-task-" + partition;
  }

  @Override
  public List<Checkpoint> loadLatestChain() throws IOException {
    List<Checkpoint> local = cache.loadLatestChain();
    List<Checkpoint> remote = loadFromLog();
    if (!remote.isEmpty() && (local.isEmpty() || end(remote) > end(local))) {
      LOG.info(
          "{} task {}: restoring checkpoint {} from stream '{}'", applicationId, partition,
          end(remote), stream);
      return remote;
    }
    if (!local.isEmpty()) {
      LOG.info(
          "{} task {}: restoring checkpoint {} from the local cache (the log's newest is {})",
          applicationId, partition, end(local),
          remote.isEmpty() ? "none" : String.valueOf(end(remote)));
    }
    return local;
  }

  /** The cache's chain when it has it (written by this instance), else the log's. */
  @Override
  public List<Checkpoint> chainEndingAt(long sequence) throws IOException {
    List<Checkpoint> local = cache.chainEndingAt(sequence);
    if (local != null) {
      return local;
    }
    List<Checkpoint> remote = loadFromLog();
    return !remote.isEmpty() && end(remote) == sequence ? remote : null;
  }

  private static long end(List<Checkpoint> chain) {
    return chain.get(chain.size() - 1).sequence();
  }

  /**
   * The newest complete chain of this task among the snapshots after its stored position (which
   * marks where its newest full checkpoint starts); a delta is joined to the newest snapshot
   * before it in the stream with the sequence it names.
   */
  private List<Checkpoint> loadFromLog() {
    OptionalLong position = log.queryOffset(positionName(applicationId, partition), stream);
    List<byte[]> mine = new ArrayList<>(); // in stream order
    scan(
        log, stream, position.isPresent() ? position.getAsLong() + 1 : 0,
        snapshot -> {
          if (snapshot.partition() == partition) {
            mine.add(snapshot.checkpoint());
          }
        });
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < mine.size(); i++) {
      ends.add(i);
    }
    ends.sort(
        Comparator.comparingLong((Integer i) -> ByteBuffer.wrap(mine.get(i), 4, 8).getLong())
            .thenComparing(Comparator.naturalOrder())
            .reversed());
    Map<Integer, Checkpoint> parsed = new HashMap<>();
    for (int end : ends) {
      List<Checkpoint> chain = chainFrom(end, mine, parsed);
      if (chain != null) {
        return chain;
      }
    }
    return List.of();
  }

  private List<Checkpoint> chainFrom(int end, List<byte[]> mine, Map<Integer, Checkpoint> parsed) {
    List<Checkpoint> chain = new ArrayList<>();
    int at = end;
    while (true) {
      Checkpoint cp = parse(at, mine, parsed);
      if (cp == null) {
        return null;
      }
      chain.add(cp);
      if (cp.full()) {
        Collections.reverse(chain);
        return chain;
      }
      int previous = -1;
      for (int i = at - 1; i >= 0 && previous < 0; i--) {
        if (ByteBuffer.wrap(mine.get(i), 4, 8).getLong() == cp.previousSequence()) {
          previous = i;
        }
      }
      if (previous < 0) {
        return null;
      }
      at = previous;
    }
  }

  private Checkpoint parse(int i, List<byte[]> mine, Map<Integer, Checkpoint> parsed) {
    if (parsed.containsKey(i)) {
      return parsed.get(i);
    }
    Checkpoint cp = null;
    try {
      cp = Checkpoint.fromBytes(mine.get(i));
    } catch (IOException e) {
      LOG.warn(
          "{} task {}: skipping unusable snapshot in '{}': {}", applicationId, partition, stream,
          e.getMessage());
    }
    parsed.put(i, cp);
    return cp;
  }

  /** One message of the checkpoint stream, parsed up to the checkpoint's bytes. */
  record Snapshot(int partition, String instance, long writtenAtMillis, byte[] checkpoint) {
    long sequence() {
      return ByteBuffer.wrap(checkpoint, 4, 8).getLong();
    }
  }

  /**
   * The newest snapshot of each of tasks {@code 0..taskCount-1} of an application, for operators'
   * tools; missing tasks have none.
   */
  static Map<Integer, Snapshot> newestPerTask(
      StreamLog log, String applicationId, int taskCount) {
    String stream = streamName(applicationId);
    Map<Integer, Snapshot> newest = new TreeMap<>();
    if (!log.streamExists(stream)) {
      return newest;
    }
    long from = Long.MAX_VALUE;
    for (int k = 0; k < taskCount; k++) {
      OptionalLong position = log.queryOffset(positionName(applicationId, k), stream);
      from = Math.min(from, position.isPresent() ? position.getAsLong() + 1 : 0);
    }
    scan(
        log, stream, from == Long.MAX_VALUE ? 0 : from,
        snapshot -> {
          Snapshot old = newest.get(snapshot.partition());
          if (old == null || snapshot.sequence() >= old.sequence()) {
            newest.put(snapshot.partition(), snapshot);
          }
        });
    return newest;
  }

  /** Reads the checkpoint stream from offset {@code from} to its current end. */
  private static void scan(
      StreamLog log, String stream, long from, Consumer<Snapshot> sink) {
    if (!log.streamExists(stream)) {
      return;
    }
    Optional<StreamStats> stats = log.stats(stream);
    if (stats.isEmpty()) {
      return;
    }
    long end = stats.get().lastOffset();
    try (LogReader reader = log.reader(stream, from == 0 ? OffsetSpec.first() : OffsetSpec.offset(from))) {
      long last = -1;
      LogMessage m;
      while ((m = reader.poll(waitAfter(last, end))) != null) {
        last = m.offset();
        Snapshot snapshot = parse(m.body());
        if (snapshot != null) {
          sink.accept(snapshot);
        }
      }
      if (last < end) {
        LOG.warn(
            "reading checkpoint stream '{}' stopped at offset {} before its end {}; using the"
                + " newest snapshots found", stream, last, end);
      }
    }
  }

  /**
   * How long to wait for the next message. Offsets stored on the log (the position of each task)
   * take offsets of the stream on RabbitMQ without ever being delivered, so the last offset is
   * often one no reader sees: near the end, a short quiet poll means the end.
   */
  private static Duration waitAfter(long last, long end) {
    if (last < 0) {
      return CATCH_UP_WAIT;
    }
    return last >= end - TRAILING_ENTRIES ? TAIL_WAIT : GAP_WAIT;
  }

  private static Snapshot parse(byte[] body) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
      if (in.readInt() != MAGIC) {
        return null;
      }
      int partition = in.readInt();
      String instance = in.readUTF();
      long writtenAt = in.readLong();
      byte[] checkpoint = in.readAllBytes();
      return checkpoint.length < 12 ? null : new Snapshot(partition, instance, writtenAt, checkpoint);
    } catch (IOException e) {
      return null; // not ours, or torn: the CRC check of the chosen one decides
    }
  }

  @Override
  public long write(Checkpoint checkpoint) throws IOException {
    long size = cache.write(checkpoint);
    byte[] bytes = checkpoint.toBytes();
    if (sameStateAsLastWritten(bytes)) {
      return size; // an idle task: the log has this state already, under an older sequence
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream(bytes.length + 64);
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(MAGIC);
    out.writeInt(partition);
    out.writeUTF(instance);
    out.writeLong(System.currentTimeMillis()); // wall clock: shown to operators, never decides
    out.write(bytes);
    out.flush();
    long end = log.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L);
    writer().append(checkpoint.sequence(), bos.toByteArray());
    writer.flush(FLUSH_TIMEOUT);
    if (end > 0 && checkpoint.full() && writer.lastPublishingId() == checkpoint.sequence()) {
      // Only after the confirm: a restore that starts here must find this snapshot; only for a
      // full one, so that a restore reads it and the deltas after it; only if the log kept it (a
      // late one of a holder that lost the task is dropped, and its position would lie past the
      // new holder's snapshots).
      log.storeOffset(positionName(applicationId, partition), stream, end - 1);
    }
    lastWritten = bytes;
    return size;
  }

  /**
   * One above the restored sequence: a holder that lost the task may still land that one (see the
   * class comment). Above the log's last stored one for this task's producer name too, should a
   * restore not have found it (an unreadable snapshot): the log would drop anything not above it.
   */
  @Override
  public long continueAfter(long restored) {
    return Math.max(restored + 1, writer().lastPublishingId());
  }

  private LogWriter writer() {
    if (writer == null) {
      writer = log.writer(stream, producerName(applicationId, partition));
    }
    return writer;
  }

  /** Equal apart from the sequence (bytes 4 to 12) and the CRC that covers it (last 8). */
  private boolean sameStateAsLastWritten(byte[] bytes) {
    byte[] last = lastWritten;
    return last != null
        && last.length == bytes.length
        && Arrays.equals(last, 0, 4, bytes, 0, 4)
        && Arrays.equals(last, 12, last.length - 8, bytes, 12, bytes.length - 8);
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}

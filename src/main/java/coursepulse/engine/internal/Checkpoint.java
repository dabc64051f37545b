package coursepulse.engine.internal;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consistent snapshot of a task: the input positions, output publishing ids, stream time and
 * stream-time schedule it reflects, with the stores' content: whole ({@link #stores}, as {@link
 * CheckpointableStore#writeTo} wrote it) for stores that are not incremental, and as sorted changes
 * ({@link #changes}, see {@link StoreChanges}) for incremental ones. A <em>full</em> checkpoint
 * ({@code previousSequence == -1}) holds everything; a <em>delta</em> holds the changes since
 * checkpoint {@code previousSequence}, so the state is its chain merged: the latest full
 * checkpoint, then each delta after it ({@link ChangeChain}).
 *
 * <p>Files are {@code checkpoint-<sequence>.bin} (full) and {@code checkpoint-<sequence>.delta.bin}
 * in the application's state directory, written to a temporary file, fsynced, renamed atomically
 * and followed by a directory fsync; the newest two chains are kept. The body ends with a CRC32 of
 * everything before it, so a torn or corrupted file is detected and the newest complete chain
 * before it used. Files of the older format ({@code CPK1}, full, whole stores only) still load.
 *
 * @param sequence increasing number of the checkpoint
 * @param streamTime the task's stream time
 * @param nextOffsets per source stream, the offset to resume reading at (-1: nothing read yet)
 * @param nextPublishingIds per sink stream, the publishing id of the next output
 * @param streamTimeSchedule per schedule id, the next stream time it fires at
 * @param stores per store name, its whole snapshot (stores that are not incremental)
 * @param changes per incremental store, its sorted changes since the previous checkpoint (all of
 *     it in a full checkpoint)
 * @param previousSequence the checkpoint this delta applies to, -1 for a full checkpoint
 */
public record Checkpoint(
    long sequence,
    long streamTime,
    Map<String, Long> nextOffsets,
    Map<String, Long> nextPublishingIds,
    Map<String, Long> streamTimeSchedule,
    Map<String, byte[]> stores,
    Map<String, byte[]> changes,
    long previousSequence) {

  /** A full checkpoint of whole store snapshots (the older format's content). */
  public Checkpoint(
      long sequence,
      long streamTime,
      Map<String, Long> nextOffsets,
      Map<String, Long> nextPublishingIds,
      Map<String, Long> streamTimeSchedule,
      Map<String, byte[]> stores) {
    this(sequence, streamTime, nextOffsets, nextPublishingIds, streamTimeSchedule, stores, Map.of(), -1);
  }

  /** Whether this checkpoint holds everything (no previous checkpoint needed). */
  public boolean full() {
    return previousSequence < 0;
  }

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
  private static final int MAGIC_V1 = 0x43504b31; // "CPK1": full, whole stores only
  private static final int MAGIC = 0x43504b32; // "CPK2": adds previousSequence and changes
  private static final String PREFIX = "checkpoint-";
  private static final String SUFFIX = ".bin";
  private static final String DELTA_SUFFIX = ".delta.bin";

  /** Serializes with a trailing CRC. */
  public byte[] toBytes() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    writeTo(bos);
    return bos.toByteArray();
  }

  /**
   * Writes what {@link #toBytes()} returns into {@code target}, computing the CRC as it goes, so
   * that a checkpoint on its way to a file is never a second copy of the state in the heap.
   */
  private void writeTo(OutputStream target) throws IOException {
    CheckedOutputStream checked = new CheckedOutputStream(target, new CRC32());
    DataOutputStream out = new DataOutputStream(checked);
    out.writeInt(MAGIC);
    out.writeLong(sequence);
    out.writeLong(streamTime);
    writeLongs(out, nextOffsets);
    writeLongs(out, nextPublishingIds);
    writeLongs(out, streamTimeSchedule);
    writeBytesMap(out, stores);
    out.writeLong(previousSequence);
    writeBytesMap(out, changes);
    out.flush();
    new DataOutputStream(target).writeLong(checked.getChecksum().getValue());
  }

  private static void writeBytesMap(DataOutputStream out, Map<String, byte[]> m)
      throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, byte[]> e : m.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().length);
      out.write(e.getValue());
    }
  }

  private static Map<String, byte[]> readBytesMap(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      m.put(name, b);
    }
    return m;
  }

  /**
   * Parses and checks a checkpoint.
   *
   * @throws IOException when the bytes are truncated, corrupted or not a checkpoint
   */
  public static Checkpoint fromBytes(byte[] bytes) throws IOException {
    if (bytes.length < 12) {
      throw new IOException("too short (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IOException("CRC mismatch");
    }
    DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
    int magic = in.readInt();
    if (magic != MAGIC && magic != MAGIC_V1) {
      throw new IOException("not a checkpoint file");
    }
    long seq = in.readLong();
    long streamTime = in.readLong();
    Map<String, Long> offsets = readLongs(in);
    Map<String, Long> ids = readLongs(in);
    Map<String, Long> schedule = readLongs(in);
    Map<String, byte[]> stores = readBytesMap(in);
    if (magic == MAGIC_V1) {
      return new Checkpoint(seq, streamTime, offsets, ids, schedule, stores);
    }
    long previous = in.readLong();
    Map<String, byte[]> changes = readBytesMap(in);
    return new Checkpoint(seq, streamTime, offsets, ids, schedule, stores, changes, previous);
  }

  /**
   * Writes atomically into {@code dir} and deletes the checkpoints older than the newest two
   * chains.
   *
   * @return the size in bytes
   */
  public long write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path target =
        dir.resolve(String.format("%s%020d%s", PREFIX, sequence, full() ? SUFFIX : DELTA_SUFFIX));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    long size;
    try (FileChannel ch =
        FileChannel.open(
            tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      writeTo(out);
      out.flush();
      ch.force(true);
      size = ch.size();
    } catch (IOException | RuntimeException e) {
      // a checkpoint that could not be written whole leaves nothing behind
      Files.deleteIfExists(tmp);
      throw e;
    }
    pauseForTests();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncDirectory(dir);
    List<Path> files = list(dir);
    int fullSeen = 0;
    for (Path f : files) {
      if (fullSeen >= 2) {
        Files.deleteIfExists(f);
      } else if (!f.getFileName().toString().endsWith(DELTA_SUFFIX)) {
        fullSeen++;
      }
    }
    return size;
  }

  /**
   * Test hook: with {@value #PAUSE_PROPERTY} set to N, waits N ms between writing the temporary
   * file and renaming it, so that a crash test can kill the process in the middle of a checkpoint
   * write. Unset (always, outside tests) it costs one property lookup per checkpoint.
   */
  private static void pauseForTests() throws IOException {
    long pause = Long.getLong(PAUSE_PROPERTY, 0L);
    if (pause > 0) {
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while writing a checkpoint");
      }
    }
  }

  /** System property of the crash-test pause between temp-file write and rename, in ms. */
  public static final String PAUSE_PROPERTY = "coursepulse.test.checkpointRenamePauseMs";

  /**
   * The latest valid checkpoint in {@code dir} (the end of {@link #loadLatestChain}), or null.
   */
  public static Checkpoint loadLatest(Path dir) throws IOException {
    List<Checkpoint> chain = loadLatestChain(dir);
    return chain.isEmpty() ? null : chain.get(chain.size() - 1);
  }

  /**
   * The newest complete chain in {@code dir}: a full checkpoint and the deltas after it, oldest
   * first; empty when none is usable. Falls back to older checkpoints when the newest is
   * unreadable or its chain incomplete, and logs which one it picked and what it skipped; skipped
   * files are renamed to {@code <name>.corrupt} (kept for inspection, never read again).
   */
  public static List<Checkpoint> loadLatestChain(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> files = list(dir);
    Map<Long, Path> bySequence = new HashMap<>();
    for (Path p : files) {
      bySequence.putIfAbsent(sequenceOf(p), p);
    }
    Map<Path, Checkpoint> parsed = new HashMap<>();
    for (Path p : files) {
      if (!Files.exists(p)) {
        continue; // set aside while walking a newer chain
      }
      Checkpoint end = parse(p, parsed);
      if (end == null) {
        continue;
      }
      List<Checkpoint> chain = new ArrayList<>();
      chain.add(end);
      Checkpoint cur = end;
      while (cur != null && !cur.full()) {
        Path prev = bySequence.get(cur.previousSequence());
        cur = prev == null || !Files.exists(prev) ? null : parse(prev, parsed);
        if (cur != null) {
          chain.add(cur);
        }
      }
      if (cur == null) {
        setAside(p, "its chain lacks a usable checkpoint before it");
        continue;
      }
      Collections.reverse(chain);
      // Read to restore, and also to compact a chain while running: the restore says so itself.
      LOG.debug("newest usable checkpoint {} (a chain of {})", p, chain.size());
      return chain;
    }
    return List.of();
  }

  private static Checkpoint parse(Path p, Map<Path, Checkpoint> parsed) {
    Checkpoint known = parsed.get(p);
    if (known != null) {
      return known;
    }
    try {
      Checkpoint cp = fromBytes(Files.readAllBytes(p));
      parsed.put(p, cp);
      return cp;
    } catch (IOException e) {
      setAside(p, e.getMessage());
      return null;
    }
  }

  /**
   * Renames an unusable file out of the way: left in place, a corrupt file with a higher sequence
   * than the checkpoints a full replay writes from sequence 1 would sort as "latest" and make
   * write() delete every new valid checkpoint, and a delta whose chain broke could later be
   * joined to a new checkpoint that took its predecessor's sequence.
   */
  private static void setAside(Path p, String why) {
    Path aside = p.resolveSibling(p.getFileName() + ".corrupt");
    LOG.warn("skipping unusable checkpoint {}: {}; kept as {}", p, why, aside.getFileName());
    try {
      Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException moveFailed) {
      LOG.warn("cannot rename unusable checkpoint {}: {}", p, moveFailed.getMessage());
    }
  }

  private static long sequenceOf(Path p) {
    String n = p.getFileName().toString();
    try {
      return Long.parseLong(n.substring(PREFIX.length(), n.indexOf('.')));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Deletes every checkpoint (and leftover temporary file) in {@code dir}, and the processing order
   * recorded since them; the caller holds the directory's {@link StateDirLock}.
   *
   * @return how many checkpoints were deleted
   */
  public static int deleteAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    ProcessingOrder.deleteFiles(dir); // it follows on from the checkpoints, so it goes with them
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path p : ds) {
        if (p.getFileName().toString().endsWith(SUFFIX)) {
          n++;
        }
        Files.deleteIfExists(p);
      }
    }
    fsyncDirectory(dir);
    return n;
  }

  /** Checkpoint files, newest first. */
  static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      ds.forEach(out::add);
    }
    out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
    return out;
  }

  static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename is then as durable as they allow.
      LOG.debug("cannot fsync directory {}: {}", dir, e.getMessage());
    }
  }

  /** Writes a map of names to longs (positions, ids) as checkpoints do. */
  static void writeLongs(DataOutputStream out, Map<String, Long> m) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, Long> e : m.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  /** Reads what {@link #writeLongs} wrote. */
  static Map<String, Long> readLongs(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.readUTF(), in.readLong());
    }
    return m;
  }
}

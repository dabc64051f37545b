package coursepulse.engine.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consistent snapshot of a task: every store's content with the input positions, output
 * publishing ids, stream time and stream-time schedule it reflects. Files are {@code
 * checkpoint-<sequence>.bin} in the application's state directory, written to a temporary file,
 * fsynced, renamed atomically and followed by a directory fsync; the latest two are kept. The body
 * ends with a CRC32 of everything before it, so a torn or corrupted file is detected and the
 * previous one used.
 *
 * @param sequence increasing number of the checkpoint
 * @param streamTime the task's stream time
 * @param nextOffsets per source stream, the offset to resume reading at (-1: nothing read yet)
 * @param nextPublishingIds per sink stream, the publishing id of the next output
 * @param streamTimeSchedule per schedule id, the next stream time it fires at
 * @param stores per store name, its snapshot
 */
public record Checkpoint(
    long sequence,
    long streamTime,
    Map<String, Long> nextOffsets,
    Map<String, Long> nextPublishingIds,
    Map<String, Long> streamTimeSchedule,
    Map<String, byte[]> stores) {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
  private static final int MAGIC = 0x43504b31; // "CPK1"
  private static final String PREFIX = "checkpoint-";
  private static final String SUFFIX = ".bin";

  /** Serializes with a trailing CRC. */
  public byte[] toBytes() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(MAGIC);
    out.writeLong(sequence);
    out.writeLong(streamTime);
    writeLongs(out, nextOffsets);
    writeLongs(out, nextPublishingIds);
    writeLongs(out, streamTimeSchedule);
    out.writeInt(stores.size());
    for (Map.Entry<String, byte[]> e : stores.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().length);
      out.write(e.getValue());
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bos.toByteArray());
    out.writeLong(crc.getValue());
    return bos.toByteArray();
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
    if (in.readInt() != MAGIC) {
      throw new IOException("not a checkpoint file");
    }
    long seq = in.readLong();
    long streamTime = in.readLong();
    Map<String, Long> offsets = readLongs(in);
    Map<String, Long> ids = readLongs(in);
    Map<String, Long> schedule = readLongs(in);
    int n = in.readInt();
    Map<String, byte[]> stores = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      stores.put(name, b);
    }
    return new Checkpoint(seq, streamTime, offsets, ids, schedule, stores);
  }

  /**
   * Writes atomically into {@code dir} and deletes all but the latest two checkpoints.
   *
   * @return the size in bytes
   */
  public long write(Path dir) throws IOException {
    Files.createDirectories(dir);
    byte[] bytes = toBytes();
    Path target = dir.resolve(String.format("%s%020d%s", PREFIX, sequence, SUFFIX));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    pauseForTests();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncDirectory(dir);
    List<Path> files = list(dir);
    for (int i = 2; i < files.size(); i++) {
      Files.deleteIfExists(files.get(i));
    }
    return bytes.length;
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
   * The latest valid checkpoint in {@code dir}, falling back to older ones when the latest is
   * unreadable; null when none is usable. Logs which one it picked and what it skipped; skipped
   * files are renamed to {@code <name>.corrupt} (kept for inspection, never read again).
   */
  public static Checkpoint loadLatest(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    for (Path p : list(dir)) {
      try {
        Checkpoint cp = fromBytes(Files.readAllBytes(p));
        LOG.info("restoring from checkpoint {}", p);
        return cp;
      } catch (IOException e) {
        // Renamed out of the way: left in place, a corrupt file with a higher sequence than the
        // checkpoints a full replay writes from sequence 1 would sort as "latest" and make
        // write() delete every new valid checkpoint.
        Path aside = p.resolveSibling(p.getFileName() + ".corrupt");
        LOG.warn(
            "skipping unusable checkpoint {}: {}; kept as {}", p, e.getMessage(),
            aside.getFileName());
        try {
          Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException moveFailed) {
          LOG.warn("cannot rename unusable checkpoint {}: {}", p, moveFailed.getMessage());
        }
      }
    }
    return null;
  }

  /**
   * Deletes every checkpoint (and leftover temporary file) in {@code dir}; the caller holds the
   * directory's {@link StateDirLock}.
   *
   * @return how many checkpoints were deleted
   */
  public static int deleteAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
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

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename is then as durable as they allow.
      LOG.debug("cannot fsync directory {}: {}", dir, e.getMessage());
    }
  }

  private static void writeLongs(DataOutputStream out, Map<String, Long> m) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, Long> e : m.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static Map<String, Long> readLongs(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.readUTF(), in.readLong());
    }
    return m;
  }
}

package coursepulse.engine.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a {@link ProcessingOrder} keeps its runs on disk, so that a task restarted after its
 * process died follows them too: one file per checkpoint, {@code order-<n>.bin} in the task's
 * state directory, holding the checkpoint's positions and the runs taken since.
 *
 * <p>The current file is memory-mapped and written byte by byte as records are taken: a write to
 * a mapping is in the page cache at once, before the outputs of that record reach the log, and
 * survives the death of the process (not of the machine: nothing is synced). Files are sparse
 * and end at the first zero byte (a run is never zero). A file whose header was not completed
 * (its magic number goes in last) is ignored.
 *
 * <p>Owned by the task thread.
 */
final class OrderSegments {

  private static final String PREFIX = "order-";
  private static final String SUFFIX = ".bin";
  private static final int MAGIC = 0x43504f31; // "CPO1"

  /** A file read back: the checkpoint positions it starts at and the runs since. */
  record Segment(Map<String, Long> nextOffsets, Map<String, Long> nextPublishingIds, byte[] runs) {}

  private final Path dir;
  private final int capacity;
  private long lastNumber = -1;
  private MappedByteBuffer current;
  private int runsAt;

  /** @param capacity the most run bytes one file holds */
  OrderSegments(Path dir, int capacity) {
    this.dir = dir;
    this.capacity = capacity;
  }

  /** The files in this directory, oldest first; unreadable ones are left out. */
  List<Segment> load() {
    List<Segment> out = new ArrayList<>();
    for (Path p : files()) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        if (b.capacity() < 8 || b.getInt(0) != MAGIC) {
          continue;
        }
        int headerLength = b.getInt(4);
        byte[] header = new byte[headerLength];
        b.get(8, header);
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(header));
        Map<String, Long> offsets = Checkpoint.readLongs(in);
        Map<String, Long> ids = Checkpoint.readLongs(in);
        int start = 8 + headerLength;
        int end = start;
        while (end < b.capacity() && b.get(end) != 0) {
          end++;
        }
        byte[] runs = new byte[end - start];
        b.get(start, runs);
        out.add(new Segment(offsets, ids, runs));
      } catch (IOException | RuntimeException e) {
        // a file cut short by the death of its writer: nothing to follow from it
      }
    }
    return out;
  }

  /**
   * Starts the file of a new checkpoint, with {@code runs} in it already, and deletes all but the
   * newest {@code keep} files once it is complete; later {@link #put} calls write the runs that
   * follow.
   */
  void begin(
      Map<String, Long> nextOffsets, Map<String, Long> nextPublishingIds, byte[] runs, int keep) {
    try {
      Files.createDirectories(dir);
      if (lastNumber < 0) {
        for (Path p : files()) {
          lastNumber = Math.max(lastNumber, number(p));
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      Checkpoint.writeLongs(out, nextOffsets);
      Checkpoint.writeLongs(out, nextPublishingIds);
      byte[] header = bytes.toByteArray();
      Path file = dir.resolve(String.format("%s%020d%s", PREFIX, ++lastNumber, SUFFIX));
      try (FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
              StandardOpenOption.WRITE)) {
        current = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8L + header.length + capacity);
      }
      current.putInt(4, header.length);
      current.put(8, header);
      runsAt = 8 + header.length;
      current.put(runsAt, runs);
      current.putInt(0, MAGIC); // last: a file without it is ignored
      List<Path> all = files();
      for (int i = 0; i < all.size() - keep; i++) {
        Files.deleteIfExists(all.get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes run byte {@code index} (counted from the start of the current file's runs). */
  void put(int index, byte run) {
    current.put(runsAt + index, run);
  }

  /** Deletes every file (what they hold can no longer be followed). */
  void deleteAll() {
    current = null;
    try {
      for (Path p : files()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(java.util.Comparator.comparingLong(OrderSegments::number));
    return out;
  }

  private static long number(Path p) {
    String name = p.getFileName().toString();
    try {
      return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}

package coursepulse.io.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.Retention;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The directory of a file-backed {@link EmbeddedStreamLog}: {@code streams/<encoded name>/} per
 * stream, each with a {@code stream.properties} (name, retention) and its segment files.
 *
 * <p>Creation and deletion are atomic by directory rename: a stream is built in {@code
 * streams/.creating-*} and renamed into place; it is deleted by renaming it to {@code
 * streams/.deleting-*} before its files are removed. Left-overs of either are cleaned up on open.
 * An exclusive lock on {@code .lock} keeps a second process (or a second log in this one) out.
 * {@code log-id} names the log ({@link #identity}): a random id written when the directory is
 * first opened, which copies of the directory keep.
 */
final class LogDirectory implements AutoCloseable {

  private static final String PROPERTIES = "stream.properties";
  private static final String SUPER_STREAMS = "super-streams.properties";
  private static final int FORMAT_VERSION = 1;
  private static final String IDENTITY = "log-id";

  private final Path root;
  private final Path streams;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private String identity;

  /** A stream found on disk. */
  record StoredStream(String name, Retention retention, Path directory) {}

  private LogDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.streams = root.resolve("streams");
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  static LogDirectory open(Path root) throws IOException {
    Files.createDirectories(root.resolve("streams"));
    FileChannel channel =
        FileChannel.open(
            root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new LogException(
          "embedded log directory " + root + " is in use by another coursepulse process");
    }
    LogDirectory dir = new LogDirectory(root, channel, lock);
    try {
      dir.identity = readOrCreateIdentity(root.resolve(IDENTITY));
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
    return dir;
  }

  Path root() {
    return root;
  }

  /** The log's id: the same for the directory and its copies, different for any other log. */
  String identity() {
    return identity;
  }

  private static String readOrCreateIdentity(Path file) throws IOException {
    if (!Files.exists(file)) {
      Path staging = file.resolveSibling(".creating-" + IDENTITY);
      Files.writeString(staging, UUID.randomUUID() + "\n", UTF_8);
      forceFile(staging);
      Files.move(staging, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(file.getParent());
    }
    String id = Files.readString(file, UTF_8).strip();
    if (id.isEmpty()) {
      throw new IOException(file + " is empty: delete it, and the log gets a new id");
    }
    return id;
  }

  /** The streams on disk, after removing half-created and half-deleted ones. */
  List<StoredStream> list() throws IOException {
    List<StoredStream> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(streams)) {
      for (Path entry : entries) {
        if (entry.getFileName().toString().startsWith(".")) {
          deleteRecursively(entry);
        } else if (Files.isDirectory(entry)) {
          found.add(read(entry));
        }
      }
    }
    return found;
  }

  /** Creates the directory of a new, empty stream and returns it. */
  Path create(String name, Retention retention, EmbeddedStreamLog.FsyncPolicy fsyncPolicy)
      throws IOException {
    Path target = streams.resolve(encode(name));
    Path staging = streams.resolve(".creating-" + UUID.randomUUID());
    Files.createDirectory(staging);
    try {
      Properties p = new Properties();
      p.setProperty("format", Integer.toString(FORMAT_VERSION));
      p.setProperty("name", name);
      p.setProperty(
          "maxAgeMillis",
          Long.toString(retention.maxAge() == null ? 0 : retention.maxAge().toMillis()));
      p.setProperty("maxLengthBytes", Long.toString(retention.maxLengthBytes()));
      try (Writer w = Files.newBufferedWriter(staging.resolve(PROPERTIES), UTF_8)) {
        p.store(w, "coursepulse embedded stream");
      }
      forceFile(staging.resolve(PROPERTIES));
      SegmentLog.initialise(staging, fsyncPolicy);
      forceDirectory(staging);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(streams);
      return target;
    } catch (IOException | RuntimeException e) {
      deleteRecursively(staging);
      throw e;
    }
  }

  /** The partitioned streams on disk: name to partition count ({@code super-streams.properties}). */
  Map<String, Integer> readSuperStreams() throws IOException {
    Path file = root.resolve(SUPER_STREAMS);
    Map<String, Integer> found = new TreeMap<>();
    if (!Files.exists(file)) {
      return found;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, UTF_8)) {
      p.load(r);
    }
    for (String name : p.stringPropertyNames()) {
      try {
        found.put(name, Integer.parseInt(p.getProperty(name)));
      } catch (NumberFormatException e) {
        throw new LogException("embedded log: " + file + " has a bad partition count for " + name);
      }
    }
    return found;
  }

  /** Replaces {@code super-streams.properties} atomically (write aside, fsync, rename). */
  void writeSuperStreams(Map<String, Integer> superStreams) throws IOException {
    Properties p = new Properties();
    superStreams.forEach((name, count) -> p.setProperty(name, Integer.toString(count)));
    Path staging = root.resolve("." + SUPER_STREAMS + "-" + UUID.randomUUID());
    try {
      try (Writer w = Files.newBufferedWriter(staging, UTF_8)) {
        p.store(w, "coursepulse embedded partitioned streams: name=partition count");
      }
      forceFile(staging);
      Files.move(staging, root.resolve(SUPER_STREAMS), StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(root);
    } finally {
      Files.deleteIfExists(staging);
    }
  }

  /** Removes a stream's directory: first atomically out of sight, then its files. */
  void delete(Path streamDirectory) throws IOException {
    Path doomed = streams.resolve(".deleting-" + UUID.randomUUID());
    Files.move(streamDirectory, doomed, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(streams);
    deleteRecursively(doomed);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }

  private StoredStream read(Path directory) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(directory.resolve(PROPERTIES), UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new LogException(
          "embedded log: cannot read " + directory.resolve(PROPERTIES) + " (" + e + ")", e);
    }
    int format = Integer.parseInt(p.getProperty("format", "0"));
    if (format != FORMAT_VERSION) {
      throw new LogException(
          "embedded log: " + directory + " has format " + format + ", expected " + FORMAT_VERSION);
    }
    long maxAge = Long.parseLong(p.getProperty("maxAgeMillis", "0"));
    Retention retention =
        new Retention(
            maxAge > 0 ? Duration.ofMillis(maxAge) : null,
            Long.parseLong(p.getProperty("maxLengthBytes", "0")));
    String name = p.getProperty("name");
    if (name == null || name.isEmpty()) {
      throw new LogException("embedded log: " + directory.resolve(PROPERTIES) + " names no stream");
    }
    return new StoredStream(name, retention, directory);
  }

  /**
   * A file-name-safe, injective encoding: {@code [A-Za-z0-9_-]} stay, every other UTF-8 byte
   * becomes {@code %XX}. Very long results are shortened with a hash; the real name lives in {@code
   * stream.properties}.
   */
  static String encode(String name) {
    StringBuilder sb = new StringBuilder();
    for (byte b : name.getBytes(UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-') {
        sb.append(c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    if (sb.length() <= 200) {
      return sb.toString();
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(UTF_8));
      return sb.substring(0, 150) + "~" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static void forceFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a rename durable; not every platform lets a directory be opened, hence best effort. */
  private static void forceDirectory(Path directory) {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Windows cannot open directories: the rename is still atomic, only its durability is weaker
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}

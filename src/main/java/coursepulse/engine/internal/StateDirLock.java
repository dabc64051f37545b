package coursepulse.engine.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an application's state directory: the file {@code .lock} in it, locked with
 * {@link FileChannel#tryLock()}. The operating system releases the lock when the process dies
 * (even on SIGKILL), so a crash never leaves a stale lock behind, unlike a pid file. Held by a
 * running engine, and by tools (reset) while they change the directory, so neither can act on
 * state the other is using. Works across processes on one host; not across hosts sharing a
 * network file system without lock support.
 */
public final class StateDirLock implements AutoCloseable {

  /** The lock file's name inside the application's state directory. */
  public static final String FILE_NAME = ".lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private StateDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dir} (created when missing) without waiting.
   *
   * @throws IllegalStateException when another process, or another engine in this JVM, holds it
   * @throws IOException when the directory or the lock file cannot be created
   */
  public static StateDirLock acquire(Path dir, String applicationId) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this JVM
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "application '" + applicationId + "' is running: its state directory " + dir
              + " is locked by another process (or engine); stop it first");
    }
    return new StateDirLock(file, channel, lock);
  }

  /** Whether some process holds the lock of {@code dir} now (false when there is no such dir). */
  public static boolean isHeld(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (StateDirLock ignored = acquire(dir, "")) {
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    }
  }
}

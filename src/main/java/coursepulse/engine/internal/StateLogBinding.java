package coursepulse.engine.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import coursepulse.engine.StateOfAnotherLogException;
import coursepulse.engine.log.StreamLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a task's state directory to the log its checkpoints come from: the file {@value
 * #FILE_NAME} holds that log's {@link StreamLog#identity}, or {@value #NO_IDENTITY} for a log that
 * gives none. A checkpoint holds offsets in its log's streams; resumed on another log it would
 * read that log's streams from offsets that mean nothing there, silently skipping or repeating
 * events. Checked when a task starts, under the directory's {@link StateDirLock}, for checkpoints
 * kept in the directory and for the local cache of those kept on the log alike.
 *
 * <p>A directory without checkpoints takes the log it is started with. Checkpoints taken before
 * directories were bound are bound to the first log that starts on them, with a warning.
 */
public final class StateLogBinding {
  static final String FILE_NAME = "log-id";

  /** What a directory bound to a log without an identity holds. */
  static final String NO_IDENTITY = "-";

  private static final Logger LOG = LoggerFactory.getLogger(StateLogBinding.class);

  private StateLogBinding() {}

  /**
   * Binds {@code dir} to {@code log} unless it holds checkpoints of another log.
   *
   * @throws StateOfAnotherLogException when {@code dir} holds checkpoints of another log
   */
  static void check(Path dir, StreamLog log) throws IOException {
    String id = log.identity().orElse(NO_IDENTITY);
    Path file = dir.resolve(FILE_NAME);
    String bound = Files.exists(file) ? Files.readString(file, UTF_8).strip() : "";
    if (bound.equals(id)) {
      return;
    }
    boolean checkpoints = !Checkpoint.list(dir).isEmpty();
    if (checkpoints && !bound.isEmpty()) {
      throw new StateOfAnotherLogException(
          "the state in " + dir + " was checkpointed from another log (" + describe(bound)
              + "), not from " + log.describe() + " (" + describe(id) + "): resuming from it"
              + " would read this log's streams at offsets that mean nothing in them. Give this"
              + " log a state directory of its own, or delete " + dir
              + " to start over on this log.",
          dir);
    }
    if (checkpoints) {
      LOG.warn(
          "state directory {}: its checkpoints were taken before state directories named their"
              + " log; binding it to {} ({}). If they come from another log, delete {} to start"
              + " over on this one.",
          dir, log.describe(), describe(id), dir);
    }
    write(file, id);
  }

  /** Unbinds {@code dir} and its tasks' directories: with their checkpoints gone. */
  public static void forget(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE_NAME));
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir, "task-*")) {
      for (Path task : tasks) {
        Files.deleteIfExists(task.resolve(FILE_NAME));
      }
    }
  }

  private static String describe(String id) {
    return id.equals(NO_IDENTITY) ? "a log that gives no id" : "log id " + id;
  }

  /** Written whole or not at all, and on disk before the task goes on. */
  private static void write(Path file, String id) throws IOException {
    Path staging = file.resolveSibling("." + FILE_NAME + ".new");
    Files.writeString(staging, id + "\n", UTF_8);
    try (FileChannel c = FileChannel.open(staging, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Checkpoint.fsyncDirectory(file.getParent());
  }
}

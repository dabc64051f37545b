package coursepulse.engine.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import coursepulse.engine.StateOfAnotherLogException;
import coursepulse.engine.log.StreamLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Binds an application's local state directory to the log its checkpoints come from: the file
 * {@value #FILE_NAME} holds that log's {@link StreamLog#identity}. A checkpoint holds offsets in
 * its log's streams, and resumed on another log it would read that log's streams from offsets that
 * mean nothing there: silently skipping or repeating their events (two embedded logs processed in
 * turn from one working directory share the default state directory). Checked when an engine
 * starts, under the directory's {@link StateDirLock}; a log without an identity is not checked.
 */
public final class StateLogBinding {
  static final String FILE_NAME = "log-id";

  private StateLogBinding() {}

  /**
   * Binds {@code dir} to {@code log} if it is bound to none yet.
   *
   * @throws StateOfAnotherLogException when {@code dir} is bound to another log
   */
  static void check(Path dir, StreamLog log) throws IOException {
    Optional<String> id = log.identity();
    if (id.isEmpty()) {
      return;
    }
    Path file = dir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      String bound = Files.readString(file, UTF_8).strip();
      if (!bound.equals(id.get())) {
        throw new StateOfAnotherLogException(
            "the state in " + dir + " was checkpointed from another log (id " + bound + "), not"
                + " from " + log.describe() + " (id " + id.get() + "): resuming from it would"
                + " read this log's streams at offsets that mean nothing in them. Give this log"
                + " a state directory of its own, or delete the checkpoints in " + dir
                + " to start over on this log.",
            dir);
      }
      return;
    }
    Path staging = dir.resolve("." + FILE_NAME + ".new");
    Files.writeString(staging, id.get() + "\n", UTF_8);
    Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Unbinds {@code dir}: with its checkpoints gone, it may serve any log. */
  public static void forget(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE_NAME));
  }
}

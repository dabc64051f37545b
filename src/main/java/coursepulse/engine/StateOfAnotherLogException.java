package coursepulse.engine;

import java.nio.file.Path;

/**
 * An engine was started with a state directory whose checkpoints come from another log: resuming
 * from them would read this log's streams at offsets that mean nothing in them. Use a state
 * directory of this log's own, or {@link StreamEngine#cleanUp} this one to start over.
 */
public final class StateOfAnotherLogException extends IllegalStateException {
  private final transient Path stateDir;

  public StateOfAnotherLogException(String message, Path stateDir) {
    super(message);
    this.stateDir = stateDir;
  }

  /** The application's state directory that belongs to the other log. */
  public Path stateDir() {
    return stateDir;
  }
}

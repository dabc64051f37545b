package coursepulse.engine.internal;

import coursepulse.engine.StreamEngine.State;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code StreamEngine} delegates to: one task over plain streams ({@link EngineRuntime}) or
 * the tasks of partitioned streams this instance holds ({@link PartitionedRuntime}).
 */
public interface EngineLifecycle {

  String applicationId();

  State state();

  Optional<Throwable> failure();

  void start();

  /** Whether every input was drained at least once after the call (see StreamEngine). */
  boolean awaitIdle(Duration timeout) throws InterruptedException;

  boolean close(Duration timeout);
}

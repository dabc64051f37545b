package coursepulse.engine.internal;

import coursepulse.engine.StreamEngine;
import java.time.Duration;
import java.util.Optional;

/** The runtime behind {@code StreamEngine}. */
public final class EngineRuntime {
  private final EngineSettings settings;

  public EngineRuntime(EngineSettings settings, StreamEngine.StateListener listener) {
    this.settings = settings;
  }

  public void start() {
    throw new UnsupportedOperationException("not yet");
  }

  public StreamEngine.State state() {
    return StreamEngine.State.CREATED;
  }

  public String applicationId() {
    return settings.applicationId();
  }

  public Optional<Throwable> failure() {
    return Optional.empty();
  }

  public boolean awaitIdle(Duration timeout) {
    return false;
  }

  public boolean close(Duration timeout) {
    return true;
  }
}

package coursepulse.engine.internal;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.StreamEngine.State;
import org.slf4j.Logger;

/**
 * The lifecycle state of an engine or of one of its tasks: checked transitions, waiters woken on
 * the owner's lock, one log line per change, and the state listener told (its failures logged,
 * never thrown into the engine).
 */
final class EngineState {
  private final Object lock;
  private final String name;
  private final StreamEngine.StateListener listener;
  private final Logger log;
  private volatile State current = State.CREATED;

  /**
   * @param lock the owner's lock: transitions happen under it and notify its waiters
   * @param name what the log lines call the engine
   * @param log the owner's logger, so the lines keep their origin
   */
  EngineState(Object lock, String name, StreamEngine.StateListener listener, Logger log) {
    this.lock = lock;
    this.name = name;
    this.listener = listener;
    this.log = log;
  }

  State get() {
    return current;
  }

  /**
   * Moves to {@code next}; nothing when already there.
   *
   * @throws IllegalStateException when the state machine does not allow the move
   */
  void transition(State next) {
    State old;
    synchronized (lock) {
      old = current;
      if (old == next) {
        return;
      }
      if (!old.canTransitionTo(next)) {
        throw new IllegalStateException("invalid engine state transition " + old + " -> " + next);
      }
      current = next;
      lock.notifyAll();
    }
    log.info("engine {}: {} -> {}", name, old, next);
    notifyListener(next, old);
  }

  /** Moves to ERROR, which every state may do; the listener sees no previous state. */
  void fail() {
    synchronized (lock) {
      current = State.ERROR;
      lock.notifyAll();
    }
    notifyListener(State.ERROR, null);
  }

  private void notifyListener(State next, State old) {
    try {
      listener.onChange(next, old);
    } catch (RuntimeException e) {
      log.warn("state listener failed", e);
    }
  }
}

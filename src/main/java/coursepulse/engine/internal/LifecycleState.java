package coursepulse.engine.internal;

import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The lifecycle state of an engine ({@code StreamEngine.State}) or of one of its tasks ({@link
 * TaskState}): checked transitions, waiters woken on the owner's lock, one log line per change, and
 * the state listener told (its failures logged, never thrown into the engine).
 *
 * @param <S> the states
 */
final class LifecycleState<S extends Enum<S>> {
  private final Object lock;
  private final String name;
  private final S failed;
  private final BiPredicate<S, S> allowed;
  private final BiConsumer<S, S> listener;
  private final Function<S, ?> shown;
  private final Logger log;
  private volatile S current;

  /**
   * @param lock the owner's lock: transitions happen under it and notify its waiters
   * @param name what the log lines call the engine or task
   * @param initial the state before any transition
   * @param failed the state {@link #fail} moves to
   * @param allowed whether a move from the first state to the second is allowed
   * @param listener told {@code (next, previous)} after each change; previous null on a failure
   * @param shown what the log line shows of a state
   * @param log the owner's logger, so the lines keep their origin
   */
  LifecycleState(
      Object lock,
      String name,
      S initial,
      S failed,
      BiPredicate<S, S> allowed,
      BiConsumer<S, S> listener,
      Function<S, ?> shown,
      Logger log) {
    this.lock = lock;
    this.name = name;
    this.current = initial;
    this.failed = failed;
    this.allowed = allowed;
    this.listener = listener;
    this.shown = shown;
    this.log = log;
  }

  S get() {
    return current;
  }

  /**
   * Moves to {@code next}; nothing when already there.
   *
   * @throws IllegalStateException when the state machine does not allow the move
   */
  void transition(S next) {
    S old;
    synchronized (lock) {
      old = current;
      if (old == next) {
        return;
      }
      if (!allowed.test(old, next)) {
        throw new IllegalStateException(
            "invalid state transition of " + name + ": " + old + " -> " + next);
      }
      current = next;
      lock.notifyAll();
    }
    log.info("engine {}: {} -> {}", name, shown.apply(old), shown.apply(next));
    notifyListener(next, old);
  }

  /** Moves to the failed state, which every state may do; the listener sees no previous state. */
  void fail() {
    synchronized (lock) {
      current = failed;
      lock.notifyAll();
    }
    notifyListener(failed, null);
  }

  private void notifyListener(S next, S old) {
    try {
      listener.accept(next, old);
    } catch (RuntimeException e) {
      log.warn("state listener failed", e);
    }
  }
}

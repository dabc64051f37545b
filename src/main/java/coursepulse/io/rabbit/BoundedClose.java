package coursepulse.io.rabbit;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a stream-client producer or consumer without letting the close hold the caller for long.
 *
 * <p>A close sends the broker a request and updates the client's coordinators; while the client
 * is recovering the same producer or subscription (a cluster node just died, the stream's leader
 * is being elected) that can wait for the recovery. Once, in {@code ClusterFailoverIT}, a task
 * being discarded after a log failure never got to rebuild: it logged nothing for five minutes
 * after the failure, and processing had stopped. The caller always abandons what it closes here,
 * so it waits {@link #WAIT} at most and leaves the rest to the client's own thread.
 */
final class BoundedClose {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedClose.class);

  /** Far longer than a close takes when the broker answers (milliseconds). */
  static final Duration WAIT = Duration.ofSeconds(5);

  private BoundedClose() {}

  /** Runs {@code close} on a thread of its own and waits for it up to {@link #WAIT}. */
  static void run(String what, Runnable close) {
    Thread t = start(what, close);
    try {
      t.join(WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (t.isAlive()) {
      LOG.warn(
          "closing the {} did not finish within {} s (the client may be recovering it); going on"
              + " without it", what, WAIT.toSeconds());
    }
  }

  /** Runs {@code close} on a thread of its own and returns at once: for what is thrown away. */
  static void inBackground(String what, Runnable close) {
    start(what, close);
  }

  private static Thread start(String what, Runnable close) {
    Thread t =
        new Thread(
            () -> {
              try {
                close.run();
              } catch (RuntimeException e) {
                // The connection may already be gone; nothing left to release on our side.
                LOG.debug("closing {} failed: {}", what, e.toString());
              }
            },
            "coursepulse-close-" + what);
    t.setDaemon(true);
    t.start();
    return t;
  }
}

package coursepulse.cli;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.StreamNotFoundException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Runs a publishing pass again after a log failure, on the same log (its client reconnects on its
 * own), for up to {@code retryFor}: every pass resumes after the last publishing id the log
 * stored, so a retry adds no duplicate and leaves no gap. Shared by {@code produce} and {@code
 * import}.
 */
final class Republish {
  private Republish() {}

  static void untilDone(Runnable pass, Duration retryFor, PrintWriter err) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMs = 100;
    while (true) {
      try {
        pass.run();
        return;
      } catch (LogException e) {
        if (e instanceof StreamNotFoundException || System.nanoTime() - deadline > 0) {
          throw e;
        }
        err.println(
            "log failure, resuming after the last stored event in " + backoffMs + " ms: "
                + Secrets.mask(e.getMessage()));
        err.flush();
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(backoffMs * 2, 2_000);
      }
    }
  }
}

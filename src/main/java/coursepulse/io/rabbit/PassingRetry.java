package coursepulse.io.rabbit;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a one-off broker call again while its failure passes by itself ({@link
 * RabbitErrors#mayPass}: a node restarting, a connection lost, a stream electing its leader), for
 * a bounded time, and says so at WARN on each retry. A failure that does not pass (refused
 * credentials, a missing virtual host, a refused permission) and one that outlasts the budget is
 * thrown as it is. For calls a command makes once at start-up, such as declaring its streams: a
 * node restarting at that moment should cost a few seconds, not the run.
 */
final class PassingRetry {

  private static final Logger LOG = LoggerFactory.getLogger(PassingRetry.class);

  /** How long start-up calls retry: a RabbitMQ node restarts in 5 to 20 s on these machines. */
  static final PassingRetry AT_START = new PassingRetry(Duration.ofSeconds(60), Duration.ofSeconds(2));

  private final Duration budget;
  private final Duration backoff;

  PassingRetry(Duration budget, Duration backoff) {
    this.budget = budget;
    this.backoff = backoff;
  }

  /**
   * Runs {@code call} until it succeeds, fails in a way that does not pass, or the budget is
   * spent; {@code what} names the call in the WARN lines ("creating stream '04-Alerts'").
   */
  void run(String what, Runnable call) {
    long deadline = System.nanoTime() + budget.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (RuntimeException e) {
        if (!RabbitErrors.mayPass(e) || System.nanoTime() + backoff.toNanos() - deadline > 0) {
          throw e;
        }
        LOG.warn(
            "{} failed ({}, attempt {}); retrying in {} s, for at most {} s", what,
            RabbitErrors.rootMessage(e), attempt, backoff.toSeconds(), budget.toSeconds());
        LOG.debug("Failure", e);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}

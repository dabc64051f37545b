package coursepulse.engine;

import java.time.Duration;

/**
 * What the log last heard from one instance of an application (see {@link
 * StreamEngine#instances}).
 *
 * @param instance the instance's name ({@code pid@host} by default)
 * @param status what its newest record says, judged against the caller's timeout
 * @param age how long ago the log stored that record, on the log's clock
 */
public record InstanceSighting(String instance, Status status, Duration age) {

  /** What an instance's newest record says. */
  public enum Status {
    /** A heartbeat younger than the timeout: the instance runs. */
    RUNNING,
    /** A heartbeat older than the timeout: it was killed, its host is gone, or it is paused. */
    SILENT,
    /** It said it stopped. */
    STOPPED
  }
}

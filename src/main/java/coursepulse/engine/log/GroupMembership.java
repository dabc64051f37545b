package coursepulse.engine.log;

import java.time.Duration;
import java.util.Optional;

/** A member's place in a consumer group (see {@link StreamLog#joinGroup}). */
public interface GroupMembership extends AutoCloseable {

  /** The group's name. */
  String group();

  /**
   * How long this member may be silent (its process paused or cut off) before the log may give
   * its partitions to another member <em>without</em> calling {@link PartitionListener#revoked}:
   * the log never does so sooner. A member whose process was paused this long cannot trust that
   * it still holds anything and must stop writing for its partitions until it has rejoined.
   *
   * @return empty when the log never moves the partitions of a silent member (default)
   */
  default Optional<Duration> leaseTimeout() {
    return Optional.empty();
  }

  /**
   * Leaves the group: the log moves this member's partitions to the others. The listener is not
   * called; stop the work on held partitions before closing.
   */
  @Override
  void close();
}

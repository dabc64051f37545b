package coursepulse.engine.log;

/**
 * Told which partitions of a partitioned stream this member of a consumer group holds (see {@link
 * StreamLog#joinGroup}). Calls come from a thread of the log, one at a time per membership.
 */
public interface PartitionListener {

  /**
   * This member now holds partition {@code partition}. Return promptly: start the work on another
   * thread.
   */
  void assigned(int partition);

  /**
   * This member no longer holds partition {@code partition}; the log hands it to another member
   * when this call returns. Stop reading it and save what the next holder needs before returning.
   */
  void revoked(int partition);
}

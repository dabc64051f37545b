package coursepulse.engine.log;

/** A member's place in a consumer group (see {@link StreamLog#joinGroup}). */
public interface GroupMembership extends AutoCloseable {

  /** The group's name. */
  String group();

  /**
   * Leaves the group: the log moves this member's partitions to the others. The listener is not
   * called; stop the work on held partitions before closing.
   */
  @Override
  void close();
}

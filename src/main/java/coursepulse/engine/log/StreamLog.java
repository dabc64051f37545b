package coursepulse.engine.log;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An append-only log made of named streams: the one place the engine and the tools touch storage.
 *
 * <p>Contract shared by every implementation (and checked by the contract test suite):
 *
 * <ul>
 *   <li>offsets of a stream are dense and start at 0;
 *   <li>an append carries a producer name and a publishing id; the log drops a message whose
 *       publishing id is not greater than the last one it stored for that producer name on that
 *       stream, so a producer that resends after a crash adds nothing;
 *   <li>reading from {@link OffsetSpec#timestamp(long)} yields the first message stored at or after
 *       that time (implementations filter records of an earlier time that share a storage chunk);
 *   <li>every reader sees every message: readers are independent;
 *   <li>a named consumer's stored offset is the offset of the last message it has processed;
 *       resuming means reading from {@code storedOffset + 1}.
 * </ul>
 *
 * <p>Implementations are thread-safe. {@link #close()} closes every writer and reader created from
 * this log.
 */
public interface StreamLog extends AutoCloseable {

  /**
   * Declares a stream; does nothing when it exists already.
   *
   * @param stream stream name
   * @param retention limits after which the oldest data may be removed
   * @throws LogException when the log refuses or cannot be reached
   */
  void createStream(String stream, Retention retention);

  /** Deletes a stream and all its data; does nothing when it does not exist. */
  void deleteStream(String stream);

  /** Whether the stream exists. */
  boolean streamExists(String stream);

  /**
   * First and last offsets currently stored in a stream.
   *
   * @return empty when the stream holds no message
   * @throws StreamNotFoundException when the stream does not exist
   */
  Optional<StreamStats> stats(String stream);

  /**
   * Creates a writer that appends to {@code stream} under {@code producerName}.
   *
   * @param producerName stable name used for deduplication; {@code null} disables deduplication
   * @throws StreamNotFoundException when the stream does not exist
   */
  LogWriter writer(String stream, String producerName);

  /**
   * Creates a reader positioned at {@code from}. The reader buffers a bounded number of messages:
   * a slow caller slows the log down instead of filling the heap.
   *
   * @throws StreamNotFoundException when the stream does not exist
   */
  LogReader reader(String stream, OffsetSpec from);

  /**
   * Stores the offset of the last message {@code consumerName} has processed in {@code stream}.
   */
  void storeOffset(String consumerName, String stream, long offset);

  /**
   * The offset stored for {@code consumerName} in {@code stream}.
   *
   * @return empty when nothing was stored
   */
  OptionalLong queryOffset(String consumerName, String stream);

  /**
   * The partitions of a partitioned stream (a RabbitMQ super stream), in partition order: index
   * {@code k} of the list is partition {@code k}. Each partition is itself a stream of this log.
   *
   * @return empty for a plain stream, a stream that does not exist, or a log without partitions
   */
  default List<String> partitions(String stream) {
    return List.of();
  }

  /**
   * The partition a record with routing key {@code key} belongs to among {@code partitionCount},
   * the same way this log's own partitioned producers route, so records written by other clients
   * of the log land where the engine expects them.
   */
  default int partitionFor(String key, int partitionCount) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1, was " + partitionCount);
    }
    return Math.floorMod(key.hashCode(), partitionCount);
  }

  /**
   * Joins the consumer group {@code group} on the partitioned stream {@code stream}: the log gives
   * each partition to exactly one member of the group at a time, spreads partitions over the
   * members, and moves a partition when its member leaves or dies (single active consumer on
   * RabbitMQ).
   *
   * <p>The listener runs on a thread of the log. Before a partition moves, its current holder gets
   * {@link PartitionListener#revoked} and the log waits for that call to return, so a holder that
   * stops its work inside the call never overlaps with the next one.
   *
   * @return the membership; closing it leaves the group (without calling {@code revoked})
   * @throws UnsupportedByLogException when the log cannot form groups (RabbitMQ before 3.11)
   * @throws StreamNotFoundException when {@code stream} is not a partitioned stream
   */
  default GroupMembership joinGroup(String group, String stream, PartitionListener listener) {
    throw new UnsupportedByLogException(describe() + " cannot spread partitions over a group");
  }

  /**
   * The id of this log's contents, where the log has one: the same for every reader and every copy
   * of the log, different for any other. An application's checkpoints record it, and the engine
   * refuses to resume on another log from them (its offsets would mean nothing there). Empty when
   * the log cannot tell (then nothing is checked).
   */
  default Optional<String> identity() {
    return Optional.empty();
  }

  /** A short human description, for logs and {@code --help}: never contains credentials. */
  String describe();

  @Override
  void close();
}

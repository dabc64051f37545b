package coursepulse.engine.log;

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

  /** A short human description, for logs and {@code --help}: never contains credentials. */
  String describe();

  @Override
  void close();
}

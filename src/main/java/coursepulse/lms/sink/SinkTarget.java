package coursepulse.lms.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one stream becomes in the database: how its records decode and which rows a batch of them
 * writes. The sink commits those rows and its position in the same transaction, so a target only
 * writes, never commits.
 *
 * @param <T> a decoded record
 */
interface SinkTarget<T> {

  /**
   * The record in {@code body}.
   *
   * @throws IllegalArgumentException when it cannot be decoded (the sink skips it and counts it)
   */
  T decode(byte[] body);

  /**
   * Whether the sink stores {@code record}; records it does not are counted as {@code
   * other_origin} and skipped (an alerts target keeps only its application's alerts).
   */
  default boolean keep(T record) {
    return true;
  }

  /** The record's event time, for the position's "as of". */
  Instant eventTime(T record);

  /** A short description for DEBUG logs (may name a student: DEBUG only). */
  String describe(T record);

  /** Writes the rows of {@code batch} (offset, record), in stream order, without committing. */
  void write(Connection connection, List<Map.Entry<Long, T>> batch) throws SQLException;
}

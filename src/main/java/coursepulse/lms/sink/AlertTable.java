package coursepulse.lms.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The sink's statements over one JDBC connection (not thread-safe): the position row and a
 * target's rows, committed together.
 */
final class AlertTable implements AutoCloseable {

  private final Connection connection;
  private final String sinkName;
  private final String stream;

  AlertTable(Connection connection, String sinkName, String stream) {
    this.connection = connection;
    this.sinkName = sinkName;
    this.stream = stream;
  }

  /**
   * Migrates the schema and returns the stored position: the offset of the last record applied,
   * -1 when none was.
   */
  long prepare() throws SQLException {
    Migrations.migrate(connection);
    connection.setAutoCommit(false);
    try (PreparedStatement p =
        connection.prepareStatement(
            "INSERT INTO sink_positions (sink_name, stream, last_offset) VALUES (?, ?, -1)"
                + " ON CONFLICT (sink_name, stream) DO NOTHING")) {
      p.setString(1, sinkName);
      p.setString(2, stream);
      p.executeUpdate();
    }
    long position;
    try (PreparedStatement p =
        connection.prepareStatement(
            "SELECT last_offset FROM sink_positions WHERE sink_name = ? AND stream = ?")) {
      p.setString(1, sinkName);
      p.setString(2, stream);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        position = rs.getLong(1);
      }
    }
    connection.commit();
    return position;
  }

  /**
   * Writes {@code batch} through {@code target} and moves the position from {@code expected} to
   * {@code position} in one transaction.
   *
   * @throws PositionMovedException when the stored position is not {@code expected} (another sink
   *     with the same name wrote): nothing is written
   */
  <T> void apply(SinkTarget<T> target, List<Map.Entry<Long, T>> batch, long expected,
      long position, Instant maxEventTime) throws SQLException {
    try {
      try (PreparedStatement p =
          connection.prepareStatement(
              "UPDATE sink_positions SET last_offset = ?, updated_at = now(),"
                  + " max_event_time = GREATEST(max_event_time, ?)"
                  + " WHERE sink_name = ? AND stream = ? AND last_offset = ?")) {
        p.setLong(1, position);
        Sql.setInstant(p, 2, maxEventTime);
        p.setString(3, sinkName);
        p.setString(4, stream);
        p.setLong(5, expected);
        if (p.executeUpdate() != 1) {
          throw new PositionMovedException(
              "the stored position of sink '" + sinkName + "' is no longer " + expected
                  + ": is another sink with the same name running?");
        }
      }
      if (!batch.isEmpty()) {
        target.write(connection, batch);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      Migrations.rollbackQuietly(connection);
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing a broken connection: nothing left to release
    }
  }

  /** The stored position moved under this sink: reload it and read again from there. */
  static final class PositionMovedException extends SQLException {
    PositionMovedException(String message) {
      super(message, "CPPOS");
    }
  }
}

package coursepulse.lms.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;

/**
 * The sink's statements over one JDBC connection (not thread-safe): the position row and the
 * batch upsert, committed together.
 */
final class AlertTable implements AutoCloseable {

  /** Merges like {@link AlertRow#merge}: what a record does not know keeps the stored value. */
  static final String UPSERT =
      "INSERT INTO alerts AS a (alert_id, student_id, course_id, rule, severity, opened_at,"
          + " resolved_at, evidence, resolution, rules_version, last_offset)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)"
          + " ON CONFLICT (alert_id) DO UPDATE SET"
          + " resolved_at = COALESCE(EXCLUDED.resolved_at, a.resolved_at),"
          + " evidence = COALESCE(EXCLUDED.evidence, a.evidence),"
          + " resolution = COALESCE(EXCLUDED.resolution, a.resolution),"
          + " rules_version = CASE WHEN EXCLUDED.evidence IS NULL THEN a.rules_version"
          + " ELSE EXCLUDED.rules_version END,"
          + " last_offset = GREATEST(a.last_offset, EXCLUDED.last_offset)";

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
   * Upserts {@code rows} and moves the position from {@code expected} to {@code position} in one
   * transaction.
   *
   * @throws PositionMovedException when the stored position is not {@code expected} (another sink
   *     with the same name wrote): nothing is written
   */
  void apply(Collection<AlertRow> rows, long expected, long position, Instant maxEventTime)
      throws SQLException {
    try {
      try (PreparedStatement p =
          connection.prepareStatement(
              "UPDATE sink_positions SET last_offset = ?, updated_at = now(),"
                  + " max_event_time = GREATEST(max_event_time, ?)"
                  + " WHERE sink_name = ? AND stream = ? AND last_offset = ?")) {
        p.setLong(1, position);
        setInstant(p, 2, maxEventTime);
        p.setString(3, sinkName);
        p.setString(4, stream);
        p.setLong(5, expected);
        if (p.executeUpdate() != 1) {
          throw new PositionMovedException(
              "the stored position of sink '" + sinkName + "' is no longer " + expected
                  + ": is another sink with the same name running?");
        }
      }
      if (!rows.isEmpty()) {
        try (PreparedStatement p = connection.prepareStatement(UPSERT)) {
          for (AlertRow r : rows) {
            p.setString(1, r.alertId());
            p.setString(2, r.studentId());
            p.setString(3, r.courseId());
            p.setString(4, r.rule());
            p.setString(5, r.severity());
            setInstant(p, 6, r.openedAt());
            setInstant(p, 7, r.resolvedAt());
            p.setString(8, r.evidenceJson());
            p.setString(9, r.resolutionJson());
            p.setString(10, r.rulesVersion());
            p.setLong(11, r.lastOffset());
            p.addBatch();
          }
          p.executeBatch();
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      Migrations.rollbackQuietly(connection);
      throw e;
    }
  }

  private static void setInstant(PreparedStatement p, int index, Instant t) throws SQLException {
    if (t == null) {
      p.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      // OffsetDateTime maps to timestamptz exactly, without the JVM's time zone getting involved.
      p.setObject(index, t.atOffset(java.time.ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
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

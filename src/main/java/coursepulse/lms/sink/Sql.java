package coursepulse.lms.sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;

/** JDBC helpers the sink's targets share. */
final class Sql {
  private Sql() {}

  static void setInstant(PreparedStatement p, int index, Instant t) throws SQLException {
    if (t == null) {
      p.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      // OffsetDateTime maps to timestamptz exactly, without the JVM's time zone getting involved.
      p.setObject(index, t.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }
  }
}

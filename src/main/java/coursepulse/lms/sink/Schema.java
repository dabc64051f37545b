package coursepulse.lms.sink;

import java.sql.Connection;
import java.sql.SQLException;

/** The sink's database schema, for the other programs that read and write it (web, privacy). */
public final class Schema {
  private Schema() {}

  /**
   * Creates or migrates the schema on {@code connection} (idempotent, under an advisory lock).
   *
   * @return the number of migrations applied now
   * @throws SQLException also when the database holds a schema newer than this code
   */
  public static int migrate(Connection connection) throws SQLException {
    return Migrations.migrate(connection);
  }
}

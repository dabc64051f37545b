package coursepulse.lms.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A schema of its own in a database that may also hold real work, emptied for a fresh start. The
 * demo keeps its tables there (alerts, roster, accounts, sink positions), so it never writes into
 * the tables of the same name that a real sink fills, and each run starts without an earlier
 * run's rows or positions (a kept position past the end of a new, shorter log skipped every new
 * record, and the pages went on showing the earlier run).
 */
public final class OwnSchema {

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private OwnSchema() {}

  /**
   * Drops {@code schema} with everything in it, creates it empty, and returns {@code jdbcUrl}
   * with that schema as the connections' current schema, for the sink, migrations and web server.
   *
   * @param user database user, or null for the URL's or driver's default
   * @param password the user's password, or null
   * @throws SQLException when the database cannot be reached, or the user may not create schemas
   *     in it (the message says what to grant)
   */
  public static String reset(String jdbcUrl, String user, String password, String schema)
      throws SQLException {
    if (!NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException("not a plain schema name: " + schema);
    }
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl, p);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        throw new SQLException(
            "cannot recreate schema " + schema + " (" + e.getMessage() + "): give the database"
                + " user the right to create schemas (GRANT CREATE ON DATABASE ... TO ...), or a"
                + " database of its own",
            e.getSQLState(), e);
      }
      throw e;
    }
    return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }
}

package coursepulse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A fresh PostgreSQL database that {@link PostgresExtension} created for one test (or test class)
 * and drops after it.
 *
 * @param name the database name, {@code cp_<class>_<random>}
 * @param jdbcUrl a JDBC URL to it, without credentials
 * @param user the role that owns it
 * @param password that role's password (do not print it)
 */
public record PostgresDatabase(String name, String jdbcUrl, String user, String password) {

  /** A new connection with autocommit on; the caller closes it. */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl, p);
  }

  @Override
  public String toString() {
    return "PostgresDatabase{" + name + "}";
  }
}

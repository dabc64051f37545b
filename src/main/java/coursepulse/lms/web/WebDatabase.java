package coursepulse.lms.web;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import coursepulse.lms.sink.Schema;
import java.sql.Connection;
import java.sql.SQLException;

/** A small connection pool on the sink's database, with the schema migrated. */
public final class WebDatabase {
  private WebDatabase() {}

  /**
   * A pool of at most 8 connections to {@code jdbcUrl}; the schema is created or migrated first.
   * Close it when done.
   */
  public static HikariDataSource open(String jdbcUrl, String user, String password)
      throws SQLException {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DATABASE): " + jdbcUrl);
    }
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl);
    cfg.setUsername(user);
    cfg.setPassword(password);
    cfg.setMaximumPoolSize(8);
    cfg.setMinimumIdle(1);
    cfg.setPoolName("coursepulse-web");
    cfg.setConnectionTimeout(10_000);
    cfg.addDataSourceProperty("ApplicationName", "coursepulse-web");
    HikariDataSource ds = new HikariDataSource(cfg);
    try (Connection c = ds.getConnection()) {
      Schema.migrate(c);
      if (!c.getAutoCommit()) {
        c.commit();
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      ds.close();
      throw e;
    }
    return ds;
  }
}

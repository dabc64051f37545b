package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} with a database shows each run's own semester and never writes into the tables of
 * real work: before, every run used the sink name "coursepulse-demo" in the database's own tables,
 * so a second run kept the first one's position (past the end of its shorter log) and showed the
 * first run, and fake students went into the real {@code alerts} and {@code roster}.
 */
@ExtendWith(PostgresExtension.class)
class DemoDatabaseIT {

  @TempDir Path tmp;

  @Test
  void shouldShowEachRunsOwnAlertsInTheDemosOwnSchema(PostgresDatabase db) throws Exception {
    Path passwordFile = tmp.resolve("password");
    Files.writeString(passwordFile, db.password());
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));

    // a longer term first, then a shorter one: the first run's positions lie past the second's end
    String[][] runs = {{"60", "42"}, {"20", "7"}};
    for (String[] run : runs) {
      Path logDir = tmp.resolve("log-" + run[1]);
      StringWriter err = new StringWriter();
      int code =
          InProcess.run(
              err, "demo", "--students", run[0], "--courses", "2", "--seed", run[1], "--speed",
              "max", "--quiet", "--metrics-port", "0", "--web-port", "0", "--broker", "embedded",
              "--keep-data", "--embedded-dir", logDir.toString(), "--jdbc-url", db.jdbcUrl(),
              "--db-user", db.user(), "--db-password-file", passwordFile.toString());
      assertThat(code).as("demo: %s", err).isZero();
      assertThat(err.toString()).contains("tables in schema coursepulse_demo");

      try (Connection c = db.connect()) {
        assertThat(strings(c, "SELECT alert_id FROM coursepulse_demo.alerts"))
            .as("alerts the pages show after the run with seed %s", run[1])
            .isNotEmpty()
            .isEqualTo(openedAlerts(logDir));
        assertThat(strings(c, "SELECT count(DISTINCT student_id)::text FROM coursepulse_demo.roster"))
            .containsExactly(run[0]);
        assertThat(strings(c, "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'public'"))
            .as("tables the demo made outside its schema").isEmpty();
      }
    }
  }

  @Test
  void shouldNotUseADatabaseConfiguredOnlyInTheEnvironment() throws Exception {
    // COURSEPULSE_JDBC_URL is set for this test run (PostgresExtension reads it too)
    assertThat(System.getenv("COURSEPULSE_JDBC_URL")).isNotBlank();
    StringWriter err = new StringWriter();
    int code =
        InProcess.run(
            err, "demo", "--students", "20", "--courses", "1", "--speed", "max", "--quiet",
            "--metrics-port", "0", "--broker", "embedded");
    assertThat(code).as("demo: %s", err).isZero();
    assertThat(err.toString())
        .contains("COURSEPULSE_JDBC_URL is set, but the demo never writes into a database"
            + " configured for real work; give --jdbc-url explicitly")
        .doesNotContain("instructors' pages on");
  }

  private static TreeSet<String> openedAlerts(Path logDir) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (String alert : DemoInterruptTest.alerts(logDir)) {
      if (alert.startsWith("alert_opened ")) {
        out.add(alert.substring("alert_opened ".length()));
      }
    }
    return out;
  }

  private static TreeSet<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return new TreeSet<>(out);
  }
}

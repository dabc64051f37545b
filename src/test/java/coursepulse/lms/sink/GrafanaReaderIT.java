package coursepulse.lms.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grafana's read-only role reads what the dashboard's PostgreSQL panels query and nothing else:
 * before, grafana/postgres-init.sql granted it SELECT on every table the sink creates, so the
 * dashboard's credentials read the roster's names and emails and the accounts' password hashes.
 * The database is set up as docker compose sets it up (the init script run by the superuser),
 * plus the old init script's default privilege, as in a database created before the fix.
 */
@ExtendWith(PostgresExtension.class)
class GrafanaReaderIT {

  private static final Path INIT = Path.of("grafana/postgres-init.sql");

  @Test
  void shouldLetGrafanaReadOnlyThePanelsTables(PostgresDatabase db) throws Exception {
    asSuperuser(db, INIT);
    // what the init script granted before: every table the sink's role creates
    Path old = Files.createTempFile("old-grant", ".sql");
    Files.writeString(old, "ALTER DEFAULT PRIVILEGES FOR ROLE " + db.user()
        + " IN SCHEMA public GRANT SELECT ON TABLES TO grafana_reader;\n");
    asSuperuser(db, old);

    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      DashboardQueriesIT.sinkSemester(log, "04-Alerts", db);
    }

    try (Connection grafana =
        DriverManager.getConnection(db.jdbcUrl(), "grafana_reader", "grafana_reader")) {
      Map<String, String> variables =
          DashboardQueriesIT.variables(grafana, DashboardQueriesIT.variableQueries());
      for (String[] panel : DashboardQueriesIT.panelQueries()) {
        assertThat(DashboardQueriesIT.run(grafana, panel[1], variables))
            .as("rows of panel '%s' for grafana_reader", panel[0]).isNotEmpty();
      }
      for (String table : List.of("roster", "users", "triage_log", "email_outbox")) {
        assertThatThrownBy(() -> grafana.createStatement().executeQuery("SELECT * FROM " + table))
            .as("grafana_reader reading %s", table)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied");
      }
    }
  }

  /**
   * Runs a script as the cluster's superuser through the trusted socket in the data directory, as
   * the postgres image runs its init scripts (.ci/postgres.sh puts the socket there).
   */
  private static void asSuperuser(PostgresDatabase db, Path script) throws Exception {
    String data = System.getenv("COURSEPULSE_PGDATA");
    String bin = System.getenv("COURSEPULSE_PG_BINDIR");
    assumeThat(data != null && bin != null)
        .as("COURSEPULSE_PGDATA and COURSEPULSE_PG_BINDIR name the test cluster (.ci/postgres.sh)")
        .isTrue();
    String port = db.jdbcUrl().replaceAll("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1");
    Process p =
        new ProcessBuilder(
                Path.of(bin, "psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", data,
                "-p", port, "-U", "postgres", "-d", db.name(), "-f", script.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("psql -f %s as postgres: %s", script, out).isTrue();
  }
}

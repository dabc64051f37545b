package coursepulse.lms.sink;

import static coursepulse.lms.sink.AlertSinkIT.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every SQL query of the dashboard's PostgreSQL panels and variables, taken from the provisioned
 * JSON with Grafana's variables and macros replaced as Grafana would for "All courses" and a wide
 * time range, runs against a table the sink filled from a simulated semester and returns rows.
 */
@ExtendWith({RabbitMqExtension.class, PostgresExtension.class})
class DashboardQueriesIT {

  static final Path DASHBOARD = Path.of("grafana/dashboards/coursepulse.json");
  static final String DATASOURCE_UID = "coursepulse-postgres";
  private static final Pattern MACRO = Pattern.compile("\\$__(\\w+)(\\(([^)]*)\\))?");

  @Test
  void shouldReturnRowsForEveryPostgresQueryOfTheDashboard(
      RabbitStreamLog log, PostgresDatabase db) throws Exception {
    sinkSemester(log, RabbitVhost.uniqueStream("alerts"), db);

    List<String[]> panels = panelQueries();
    Map<String, String> variableQueries = variableQueries();
    assertThat(variableQueries).as("PostgreSQL variables of the dashboard").isNotEmpty();
    try (Connection c = db.connect()) {
      Map<String, String> variables = variables(c, variableQueries);
      int queries = 0;
      for (String[] panel : panels) {
        String title = panel[0];
        List<List<String>> rows = run(c, panel[1], variables);
        assertThat(rows).as("rows of panel '%s'", title).isNotEmpty();
        queries++;
        if (title.equals("open alerts")) {
          assertThat(rows.get(0)).hasSize(7);
        }
        if (title.startsWith("alerts opened and resolved")) {
          assertThat(rows).anyMatch(r -> !r.get(1).equals("0"))
              .anyMatch(r -> !r.get(2).equals("0"));
        }
      }
      assertThat(queries).isEqualTo(2);
    }
  }

  /** Publishes the fixtures' semester of alerts to {@code stream} and sinks it into {@code db}. */
  static void sinkSemester(StreamLog log, String stream, PostgresDatabase db) throws Exception {
    List<byte[]> records = SinkFixtures.semester();
    SinkFixtures.publish(log, stream, records);
    try (AlertSink sink =
        AlertSink.builder(log, db.jdbcUrl()).credentials(db.user(), db.password()).stream(stream)
            .maxBatchDelay(Duration.ofMillis(50)).build()) {
      sink.start();
      awaitUntil(() -> sink.position() == records.size() - 1, "sink reaches the end");
    }
  }

  /** The dashboard's PostgreSQL variables: name to query, in order. */
  static Map<String, String> variableQueries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode v : dashboard.at("/templating/list")) {
      if (DATASOURCE_UID.equals(v.at("/datasource/uid").asText())) {
        String query = v.get("query").isTextual() ? v.get("query").asText()
            : v.at("/query/rawSql").asText(v.at("/definition").asText());
        out.put(v.get("name").asText(), query);
      }
    }
    return out;
  }

  /** The SQL of every target of the dashboard's PostgreSQL panels: {title, SQL}. */
  static List<String[]> panelQueries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String[]> out = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      if (DATASOURCE_UID.equals(panel.at("/datasource/uid").asText())) {
        for (JsonNode target : panel.get("targets")) {
          assertThat(target.at("/datasource/uid").asText())
              .as("datasource of %s", panel.get("title").asText()).isEqualTo(DATASOURCE_UID);
          out.add(new String[] {panel.get("title").asText(), target.get("rawSql").asText()});
        }
      }
    }
    return out;
  }

  /**
   * Runs the variables' queries and returns their values as Grafana substitutes them with "All"
   * selected: {@code 'a','b'}.
   */
  static Map<String, String> variables(Connection c, Map<String, String> queries)
      throws SQLException, IOException {
    Map<String, String> variables = new LinkedHashMap<>();
    for (Map.Entry<String, String> v : queries.entrySet()) {
      List<List<String>> rows = run(c, v.getValue(), Map.of());
      assertThat(rows).as("values of variable $%s", v.getKey()).isNotEmpty();
      variables.put(v.getKey(),
          rows.stream().map(r -> "'" + r.get(0).replace("'", "''") + "'")
              .collect(Collectors.joining(",")));
    }
    return variables;
  }

  /** Replaces Grafana variables and macros, runs the query, returns its rows as text. */
  static List<List<String>> run(Connection c, String sql, Map<String, String> variables)
      throws SQLException, IOException {
    String resolved = sql;
    for (Map.Entry<String, String> v : variables.entrySet()) {
      resolved = resolved.replace("${" + v.getKey() + "}", v.getValue())
          .replace("[[" + v.getKey() + "]]", v.getValue())
          .replaceAll("\\$" + v.getKey() + "\\b", Matcher.quoteReplacement(v.getValue()));
    }
    Matcher m = MACRO.matcher(resolved);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      switch (m.group(1)) {
        case "timeFilter":
          replacement = m.group(3) + " BETWEEN '2000-01-01T00:00:00Z' AND '2100-01-01T00:00:00Z'";
          break;
        case "timeFrom":
          replacement = "'2000-01-01T00:00:00Z'";
          break;
        case "timeTo":
          replacement = "'2100-01-01T00:00:00Z'";
          break;
        default:
          throw new AssertionError("unknown Grafana macro $__" + m.group(1) + " in: " + sql);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    assertThat(out.toString()).as("unreplaced variable in query").doesNotContainPattern("\\$\\w");
    List<List<String>> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(out.toString())) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}

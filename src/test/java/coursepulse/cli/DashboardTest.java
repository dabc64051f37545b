package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structural checks of {@code grafana/dashboards/coursepulse.json} against the provisioning
 * files: what Grafana would reject or render empty without any error. The queries themselves are
 * run against a real Prometheus by {@link ObservabilityStackIT}.
 */
class DashboardTest {

  private static Dashboard dashboard;
  private static Map<String, String> provisionedTypeByUid;

  @BeforeAll
  static void load() throws IOException {
    dashboard = Dashboard.load();
    provisionedTypeByUid = new HashMap<>();
    try (Stream<Path> files = Files.list(Path.of("grafana", "provisioning", "datasources"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        for (JsonNode ds : new YAMLMapper().readTree(f.toFile()).path("datasources")) {
          provisionedTypeByUid.put(ds.path("uid").asText(), ds.path("type").asText());
        }
      }
    }
  }

  @Test
  void shouldGiveEveryPanelAUniqueId() {
    List<Integer> ids = dashboard.panels().stream().map(p -> p.path("id").asInt(-1)).toList();
    assertThat(ids).doesNotContain(-1).doesNotHaveDuplicates();
  }

  @Test
  void shouldNameAProvisionedDataSourceOnEveryPanelAndTarget() {
    assertThat(dashboard.dataPanels()).isNotEmpty();
    for (JsonNode p : dashboard.dataPanels()) {
      String panel = "panel " + p.path("id") + " " + p.path("title");
      assertThat(provisionedTypeByUid)
          .as(panel)
          .containsEntry(
              p.path("datasource").path("uid").asText(), p.path("datasource").path("type").asText());
      assertThat(p.path("targets")).as(panel + " has targets").isNotEmpty();
      for (JsonNode t : p.path("targets")) {
        assertThat(provisionedTypeByUid)
            .as(panel + " target " + t.path("refId"))
            .containsEntry(
                t.path("datasource").path("uid").asText(),
                t.path("datasource").path("type").asText());
      }
    }
  }

  @Test
  void shouldSetUnitsAndLegends() {
    for (JsonNode p : dashboard.dataPanels()) {
      String panel = "panel " + p.path("id") + " " + p.path("title");
      if (!"table".equals(p.path("type").asText())) {
        // a table's units belong to its columns (overrides); every other panel has one unit
        assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as(panel).isNotBlank();
      }
      assertThat(p.path("description").asText()).as(panel + " description").isNotBlank();
      for (JsonNode t : p.path("targets")) {
        if (t.has("expr")) {
          assertThat(t.path("legendFormat").asText()).as(panel + " legend").isNotBlank();
        }
      }
    }
  }

  @Test
  void shouldFilterEveryApplicationMetricByTheApplicationVariable() {
    JsonNode variables = dashboard.json().path("templating").path("list");
    List<String> names = new ArrayList<>();
    variables.forEach(v -> names.add(v.path("name").asText()));
    assertThat(names).contains("application");
    for (Dashboard.Query q : dashboard.prometheusQueries()) {
      if (!q.expr().startsWith("up{")) {
        assertThat(q.expr()).as(q.toString()).contains("application=~\"$application\"");
      }
    }
  }

  @Test
  void shouldCoverWhatTheIssueAsksFor() {
    String all = String.join("\n", dashboard.prometheusQueries().stream().map(Dashboard.Query::expr).toList());
    assertThat(all)
        .contains(
            "coursepulse_events_processed_total",
            "coursepulse_producer_events_published_total",
            "coursepulse_alerts_total",
            "coursepulse_alerts_open",
            "coursepulse_alerts_resolved_total",
            "coursepulse_students_tracked",
            "coursepulse_engine_input_lag",
            "coursepulse_engine_record_append_delay_seconds_bucket",
            "coursepulse_engine_record_event_lag_seconds_bucket",
            "coursepulse_engine_stream_time_lag_seconds",
            "histogram_quantile(0.99, sum by (le, application) (rate(coursepulse_engine_process_latency_seconds_bucket",
            "coursepulse_engine_records_dropped_total",
            "coursepulse_engine_records_dead_lettered_total",
            "coursepulse_engine_checkpoint_duration_seconds",
            "jvm_memory_used_bytes{area=\"heap\"");
  }

  @Test
  void shouldShowLagOnlyThroughMetersThatStayBoundedInABackfill() {
    String all = String.join("\n", dashboard.prometheusQueries().stream().map(Dashboard.Query::expr).toList());
    // The former e2e histogram mixed simulated event times with the wall clock and its sum
    // overflowed in backfills; the lag panel reads buckets and a gauge, never a lag _sum.
    assertThat(all).doesNotContain("e2e_lag").doesNotContain("lag_seconds_sum").doesNotContain("delay_seconds_sum");
  }

  @Test
  void shouldNotOverlapPanels() {
    Set<String> cells = new HashSet<>();
    for (JsonNode p : dashboard.panels()) {
      JsonNode g = p.path("gridPos");
      assertThat(g.path("x").asInt() + g.path("w").asInt()).as("panel %s width", p.path("id")).isLessThanOrEqualTo(24);
      for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
        for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
          assertThat(cells.add(x + "," + y)).as("panel %s overlaps another at %s,%s", p.path("id"), x, y).isTrue();
        }
      }
    }
  }

  @Test
  void shouldFilterTheSinksPanelsByTheCourseVariable() {
    List<String> names = new ArrayList<>();
    dashboard.json().path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
    assertThat(names).containsExactly("application", "course");
    List<JsonNode> sql =
        dashboard.dataPanels().stream()
            .filter(p -> p.path("datasource").path("type").asText().contains("postgres"))
            .toList();
    assertThat(sql).extracting(p -> p.path("title").asText())
        .contains("open alerts", "alerts opened and resolved per day");
    for (JsonNode p : sql) {
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("rawSql").asText()).as(p.path("title").asText()).contains("$course");
      }
    }
  }

  @Test
  void shouldReplaceEveryGrafanaVariableForPrometheus() {
    for (Dashboard.Query q : dashboard.prometheusQueries()) {
      assertThat(Dashboard.forPrometheus(q.expr())).as(q.toString()).doesNotContain("$");
    }
  }
}

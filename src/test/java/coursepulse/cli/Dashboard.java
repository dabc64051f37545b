package coursepulse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provisioned Grafana dashboard as the tests see it: panels (rows' nested panels included)
 * and their Prometheus queries, with Grafana's variables replaced by values Prometheus accepts.
 */
record Dashboard(JsonNode json, List<JsonNode> panels) {

  static final Path FILE = Path.of("grafana", "dashboards", "coursepulse.json");

  /**
   * What the IT substitutes for Grafana's variables: "All" of a multi-value variable with
   * allValue ".+", and intervals long enough to hold several 1 s scrapes.
   */
  static final Map<String, String> PROMETHEUS_VARIABLES =
      Map.of(
          "application", ".+",
          "__rate_interval", "30s",
          "__interval", "5s",
          "__range", "5m");

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

  /** One Prometheus target of a panel. */
  record Query(int panelId, String panelTitle, String refId, String expr) {
    @Override
    public String toString() {
      return "panel " + panelId + " '" + panelTitle + "' target " + refId + ": " + expr;
    }
  }

  static Dashboard load() throws IOException {
    JsonNode json = new ObjectMapper().readTree(Files.readString(FILE));
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode p : json.path("panels")) {
      panels.add(p);
      for (JsonNode nested : p.path("panels")) {
        panels.add(nested);
      }
    }
    return new Dashboard(json, panels);
  }

  /** Panels that show data (not rows). */
  List<JsonNode> dataPanels() {
    return panels.stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
  }

  /** Every target whose data source is Prometheus. */
  List<Query> prometheusQueries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode p : dataPanels()) {
      for (JsonNode t : p.path("targets")) {
        String panelType = p.path("datasource").path("type").asText();
        String type = t.path("datasource").path("type").asText(panelType);
        if ("prometheus".equals(type)) {
          queries.add(
              new Query(
                  p.path("id").asInt(),
                  p.path("title").asText(),
                  t.path("refId").asText(),
                  t.path("expr").asText()));
        }
      }
    }
    return queries;
  }

  /** The expression with Grafana's variables replaced; an unknown variable is an error. */
  static String forPrometheus(String expr) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = PROMETHEUS_VARIABLES.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "unknown Grafana variable $" + m.group(1) + " in " + expr
                + ": give it a value in Dashboard.PROMETHEUS_VARIABLES");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}

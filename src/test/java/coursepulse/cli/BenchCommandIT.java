package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Smoke run of {@code coursepulse bench} at a tiny size against RabbitMQ: it completes and reports
 * every row. No timing is asserted (CI machines are noisy).
 */
@ExtendWith(RabbitMqExtension.class)
class BenchCommandIT {

  @Test
  void shouldCompleteATinyRunAndReportEveryRow(RabbitVhost vhost, @TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("bench.json");
    StringWriter out = new StringWriter();
    String management = System.getenv("COURSEPULSE_RABBITMQ_MANAGEMENT_URL");
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench", "--uri", vhost.uri(), "--students", "10", "--events", "3000",
                "--rate", "500", "--latency-rates", "250", "--latency-seconds", "2",
                "--state-students", "300",
                "--state-days", "2", "--state-sweep", "200", "--json", json.toString()));
    if (management != null && !management.isBlank()) {
      args.add("--management-url");
      args.add(management);
    }

    int exit =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true))
            .execute(args.toArray(new String[0]));

    assertThat(exit).as(out.toString()).isZero();
    for (String row : BenchCommand.ROWS) {
      assertThat(out.toString()).containsPattern("(?m)^" + row + " ");
    }
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertThat(doc.get("machine").get("cores").asInt()).isPositive();
    List<String> names = new ArrayList<>();
    for (JsonNode row : doc.get("rows")) {
      String name = row.get("name").asText();
      names.add(name);
      if (!name.startsWith("alert-latency-") && !name.startsWith("state-bytes-")) {
        assertThat(row.get("value").isNumber()).as(name).isTrue();
      }
    }
    // The further rate's six latency rows follow the main latency run's.
    List<String> expected = new ArrayList<>(BenchCommand.ROWS);
    expected.addAll(
        expected.indexOf("latency-run-alerts") + 1,
        List.of("e2e-latency-p50-250", "e2e-latency-p99-250", "alert-latency-p50-250",
            "alert-latency-p99-250", "latency-run-checkpoints-250", "latency-run-alerts-250"));
    assertThat(names)
        .containsExactlyElementsOf(
            concat(expected, List.of("state-sweep-bytes-200", "state-sweep-events-200")));
    assertThat(doc.get("rows").get(3).get("baseline").asText()).isEqualTo("raw-consume");

    // The honest baselines: each consume row with this JVM's CPU per event and the load, the
    // processor's ratio to each of them computed from the rows' own rates.
    JsonNode processor = row(doc, "processor");
    for (String baseline : List.of("raw-consume", "raw-decode", "plain-java-rules")) {
      JsonNode b = row(doc, baseline);
      assertCpuPerEvent(b, baseline);
      assertThat(b.get("loadAverage").isNumber()).as(baseline).isTrue();
      assertThat(b.get("processorRatio").asDouble()).as(baseline)
          .isCloseTo(processor.get("value").asDouble() / b.get("value").asDouble(),
              org.assertj.core.data.Percentage.withPercentage(1e-6));
    }
    assertThat(processor.get("ratio").asDouble())
        .isCloseTo(processor.get("value").asDouble() / row(doc, "raw-consume").get("value").asDouble(),
            org.assertj.core.data.Percentage.withPercentage(1e-6));
    assertCpuPerEvent(processor, "processor");
    // The application's heap, with its defaults and with the four rules, is compared with the
    // hand-written rules' heap for the same term; a term too small for the heap's granularity
    // leaves a row unmeasured (null), never negative or zero.
    JsonNode plainState = row(doc, "state-bytes-plain-java-rules").get("value");
    for (String name : List.of("state-bytes-per-student-course", "state-bytes-same-rules")) {
      JsonNode state = row(doc, name);
      assertThat(state.get("value").isNull() || state.get("value").asDouble() > 0).as(name).isTrue();
      if (state.get("value").isNumber() && plainState.isNumber()) {
        assertThat(state.get("baseline").asText()).isEqualTo("state-bytes-plain-java-rules");
        assertThat(state.get("ratio").asDouble())
            .isCloseTo(state.get("value").asDouble() / plainState.asDouble(),
                org.assertj.core.data.Percentage.withPercentage(1e-6));
      }
    }
    assertThat(plainState.isNull() || plainState.asDouble() > 0).as(plainState.toString()).isTrue();
    // A latency to alerts is measured over the alerts of its run, and unknown without any. The
    // main run's 1,000 events of a 10-student term reach the days when alerts open (it reads 5);
    // the 250 events/s run's 500 stop before them.
    assertThat(row(doc, "latency-run-alerts").get("value").asLong()).isPositive();
    assertThat(row(doc, "latency-run-alerts-250").get("value").asLong()).isZero();
    for (String suffix : List.of("", "-250")) {
      boolean alerted = row(doc, "latency-run-alerts" + suffix).get("value").asLong() > 0;
      for (String p : List.of("p50", "p99")) {
        JsonNode latency = row(doc, "alert-latency-" + p + suffix).get("value");
        assertThat(alerted ? latency.isNumber() && latency.asDouble() >= 0 : latency.isNull())
            .as("alert-latency-%s%s with%s alerts: %s", p, suffix, alerted ? "" : " no", latency)
            .isTrue();
      }
    }
    assertThat(row(doc, "latency-run-checkpoints").get("value").asDouble())
        .as("the latency was measured across checkpoints").isGreaterThanOrEqualTo(1);
  }

  /**
   * CPU µs per event: positive, or null for a phase of this tiny run shorter than one step of the
   * process CPU clock (10 ms on Linux), which reads as no CPU at all.
   */
  private static void assertCpuPerEvent(JsonNode row, String name) {
    JsonNode cpu = row.get("cpuMicrosPerEvent");
    assertThat(cpu).as(name).isNotNull();
    if (!cpu.isNull()) {
      assertThat(cpu.asDouble()).as(name).isPositive();
    }
  }

  private static JsonNode row(JsonNode doc, String name) {
    for (JsonNode row : doc.get("rows")) {
      if (row.get("name").asText().equals(name)) {
        return row;
      }
    }
    throw new AssertionError("no row " + name + " in " + doc);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}

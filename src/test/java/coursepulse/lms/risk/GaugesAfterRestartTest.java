package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: after a restart from a checkpoint, the open-alert and tracked-student gauges show the
 * restored counts at once, not 0 until the next event arrives.
 */
class GaugesAfterRestartTest {
  @TempDir Path dir;

  @Test
  void shouldReportRestoredCountsBeforeAnyNewEvent() throws Exception {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      new SimulationPublisher(Pacer.unlimited(), p -> {})
          .publish(new Simulation(SimulationConfig.defaults().withStudents(80).withDays(35)), log);

      Map<String, Double> before;
      SimpleMeterRegistry first = new SimpleMeterRegistry();
      try (AlertingApp app = AlertingApp.start(log, settings(), first, a -> {})) {
        app.awaitQuiet(Duration.ofSeconds(1));
        before = gauges(first);
      }
      assertThat(before.get("students")).isGreaterThan(0.0);
      assertThat(before.values().stream().mapToDouble(Double::doubleValue).sum())
          .isGreaterThan(before.get("students"));

      // Nothing new on the inputs: the restarted processor sees no event and fires no timer.
      SimpleMeterRegistry second = new SimpleMeterRegistry();
      try (AlertingApp app = AlertingApp.start(log, settings(), second, a -> {})) {
        app.awaitQuiet(Duration.ofSeconds(1));
        assertThat(gauges(second)).isEqualTo(before);
      }
    }
  }

  private AlertingApp.Settings settings() {
    return new AlertingApp.Settings(
        "coursepulse", dir, RulesConfig.DEFAULTS, OffsetSpec.first(), Duration.ofMinutes(5),
        false, StreamNames.ALERTS);
  }

  private static Map<String, Double> gauges(MeterRegistry registry) {
    Map<String, Double> g = new LinkedHashMap<>();
    g.put("students", registry.get("coursepulse.students.tracked").gauge().value());
    for (Rule rule : Rule.values()) {
      g.put(rule.name(),
          registry.get("coursepulse.alerts.open").tag("rule", rule.name()).gauge().value());
    }
    return g;
  }
}

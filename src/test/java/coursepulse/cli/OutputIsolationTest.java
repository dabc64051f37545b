package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.risk.AlertingApp;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trial run under its own application id cannot land among the real alerts. */
class OutputIsolationTest {

  @TempDir Path dir;

  @Test
  void shouldWriteATrialApplicationsAlertsToItsOwnStreamStampedWithItsOrigin() throws Exception {
    RulesConfig trialRules = RulesConfig.of(null, 1.0, null, null, null, null);
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      new SimulationPublisher(Pacer.unlimited(), p -> {})
          .publish(
              new Simulation(SimulationConfig.defaults().withStudents(60).withDays(35)), log);
      String stream = AlertingApp.defaultAlertsStream("trial");
      AlertingApp.Settings settings =
          new AlertingApp.Settings(
              "trial", dir, trialRules, OffsetSpec.first(), Duration.ofMinutes(5), false, stream);
      try (AlertingApp app = AlertingApp.start(log, settings, new SimpleMeterRegistry(), a -> {})) {
        app.awaitQuiet(Duration.ofSeconds(1));
      }

      assertThat(stream).isEqualTo("trial-alerts");
      assertThat(AlertingApp.defaultAlertsStream("coursepulse")).isEqualTo(StreamNames.ALERTS);
      assertThat(log.streamExists(StreamNames.ALERTS)).isFalse();
      List<Alert> alerts = AlertCodec.decodeDistinct(StreamDump.bodies(log, stream), null, null);
      assertThat(alerts)
          .isNotEmpty()
          .allSatisfy(
              a -> {
                assertThat(a.applicationId()).isEqualTo("trial");
                // the hash covers the rules and the built-in model the run scored with
                assertThat(a.rulesHash())
                    .isEqualTo(
                        Alert.Origin.of(
                                "trial", trialRules,
                                coursepulse.lms.risk.model.RiskModel.builtIn().version())
                            .rulesHash());
              });
      assertThat(AlertCodec.decodeDistinct(StreamDump.bodies(log, stream), "coursepulse", null))
          .isEmpty();
    }
  }

  /** Alerts written into an input were read back as malformed events, and stayed there for good. */
  @Test
  void shouldRefuseToWriteAlertsIntoAnInputARiskStreamOrAnEnginesStream() throws Exception {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      new SimulationPublisher(Pacer.unlimited(), p -> {})
          .publish(new Simulation(SimulationConfig.defaults().withStudents(5).withDays(7)), log);
      long enrolments = StreamDump.bodies(log, StreamNames.ENROLLMENT).size();
      for (String output :
          List.of(StreamNames.ENROLLMENT, StreamNames.ACTIVITY, StreamNames.RISK, "coursepulse-dlq",
              "coursepulse-refused", "trial-risk")) {
        AlertingApp.Settings settings =
            new AlertingApp.Settings(
                "trial", dir, RulesConfig.DEFAULTS, OffsetSpec.first(), Duration.ofMinutes(5),
                false, output);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> AlertingApp.start(log, settings, new SimpleMeterRegistry(), a -> {}))
            .as(output)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("the alerts cannot go to " + output)
            .hasMessageContaining("--output-stream");
      }
      assertThat(StreamDump.bodies(log, StreamNames.ENROLLMENT)).hasSize((int) enrolments);
      assertThat(log.streamExists("trial-dlq")).as("nothing declared").isFalse();
    }
  }

  @Test
  void shouldRefuseAnInvalidApplicationIdBeforeDeclaringAnyStream() throws Exception {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      new SimulationPublisher(Pacer.unlimited(), p -> {})
          .publish(new Simulation(SimulationConfig.defaults().withStudents(5).withDays(7)), log);
      for (String id : List.of("bad id!", "..", "")) {
        AlertingApp.Settings settings =
            new AlertingApp.Settings(
                id, dir, RulesConfig.DEFAULTS, OffsetSpec.first(), Duration.ofMinutes(5), false,
                "x-alerts");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> AlertingApp.start(log, settings, new SimpleMeterRegistry(), a -> {}))
            .as(id)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("applicationId");
        assertThat(log.streamExists("x-alerts")).isFalse();
        assertThat(log.streamExists(id + "-dlq")).isFalse();
      }
    }
  }
}

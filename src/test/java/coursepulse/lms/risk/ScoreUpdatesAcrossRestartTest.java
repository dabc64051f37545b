package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import coursepulse.lms.simulator.SimulationRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code riskScore.updateAtGrades} (the default), a run stopped and restarted from its checkpoint in the
 * middle of a term gives the alerts of a run that went through: what a grade is scored with (the
 * class as last ranked, each student's submissions as ranked) is restored with the state.
 */
class ScoreUpdatesAcrossRestartTest {
  private static final RulesConfig AT_GRADES = RulesConfig.DEFAULTS;
  private static final RulesConfig DAILY_ONLY =
      RulesConfig.fromYaml(
          new ByteArrayInputStream(
              "riskScore:\n  updateAtGrades: false\n".getBytes(StandardCharsets.UTF_8)));

  @TempDir Path dir;

  @Test
  void shouldGiveTheSameAlertsWhenRestartedMidTerm() throws Exception {
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(300).withDays(70));
    int events = 0;
    SimulationRun run = sim.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      events++;
    }
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      SimulationPublisher publisher = new SimulationPublisher(Pacer.unlimited(), p -> {});
      publisher.publish(sim, log, events / 2);
      List<String> restarted = new ArrayList<>(run(log, "coursepulse", AT_GRADES));
      publisher.publish(sim, log); // the rest: the writer's ids skip what is already stored
      restarted.addAll(run(log, "coursepulse", AT_GRADES));

      List<String> through = run(log, "through", AT_GRADES);
      List<String> daily = run(log, "daily", DAILY_ONLY);

      assertThat(restarted).hasSizeGreaterThan(50).containsExactlyElementsOf(through);
      // The updates at grades did change what this term alerts: the equality above covers them.
      assertThat(through).isNotEqualTo(daily);
    }
  }

  /** The alerts one run of {@code application} writes, as "type rule student course time". */
  private List<String> run(StreamLog log, String application, RulesConfig rules) throws Exception {
    List<String> alerts = new ArrayList<>();
    AlertingApp.Settings settings =
        new AlertingApp.Settings(
            application, dir.resolve(application), rules, OffsetSpec.first(),
            Duration.ofMinutes(5), false, application + "-alerts");
    try (AlertingApp app =
        AlertingApp.start(
            log, settings, new SimpleMeterRegistry(),
            a ->
                alerts.add(
                    a.type() + " " + a.rule() + " " + a.studentId() + " " + a.courseId() + " "
                        + (a.type() == Alert.Type.OPENED ? a.openedAt() : a.resolvedAt())))) {
      app.awaitQuiet(Duration.ofSeconds(1));
    }
    return alerts;
  }
}

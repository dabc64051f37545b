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
 * class as last ranked, each student's submissions as ranked) and the course's budget as the
 * grades left it are restored with the state.
 */
class ScoreUpdatesAcrossRestartTest {
  // A budget small enough to fill: what the grades open and resolve between two rankings counts.
  private static final RulesConfig AT_GRADES = rules("{ budgetPercent: 5 }");
  private static final RulesConfig DAILY_ONLY =
      rules("{ budgetPercent: 5, updateAtGrades: false }");

  private static RulesConfig rules(String riskScore) {
    return RulesConfig.fromYaml(
        new ByteArrayInputStream(
            ("riskScore: " + riskScore + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  /** The term in this many parts, the application restarted from its checkpoint after each. */
  private static final int PARTS = 6;

  @TempDir Path dir;

  @Test
  void shouldGiveTheSameAlertsWhenRestartedDuringTheTerm() throws Exception {
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(300).withDays(70));
    int events = 0;
    SimulationRun run = sim.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      events++;
    }
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      SimulationPublisher publisher = new SimulationPublisher(Pacer.unlimited(), p -> {});
      List<String> restarted = new ArrayList<>();
      for (int part = 1; part <= PARTS; part++) {
        // Each part after the first: the writer's ids skip what is already stored.
        publisher.publish(sim, log, (int) ((long) events * part / PARTS));
        restarted.addAll(run(log, "coursepulse", AT_GRADES));
      }

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

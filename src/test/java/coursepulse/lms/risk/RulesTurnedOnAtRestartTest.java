package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import coursepulse.lms.simulator.SimulationRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules keep no timers while they are off. Rules turned on in a restart start them from the
 * restored state, so they watch the students already enrolled, not only those who enrol later.
 */
class RulesTurnedOnAtRestartTest {
  private static final RulesConfig ON =
      RulesConfig.DEFAULTS
          .withEnabled(Rule.NO_SUBMISSIONS, true)
          .withEnabled(Rule.ACTIVITY_DROP, true)
          .withEnabled(Rule.LOGIN_INACTIVE, true);

  @TempDir Path dir;

  @Test
  void shouldWatchStudentsAlreadyEnrolledWhenRulesAreTurnedOnInARestart() throws Exception {
    assertThat(TimedRules.of(RulesConfig.DEFAULTS)).isZero();
    assertThat(Long.bitCount(TimedRules.of(ON))).isEqualTo(3);
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(80).withDays(70));
    List<Instant> times = new ArrayList<>();
    SimulationRun run = sim.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      times.add(e.occurredAt());
    }
    int cut = times.size() / 2;
    Instant cutAt = times.get(cut);

    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      SimulationPublisher publisher = new SimulationPublisher(Pacer.unlimited(), p -> {});
      publisher.publish(sim, log, cut);
      List<Alert> first = run(log, "coursepulse", RulesConfig.DEFAULTS);
      assertThat(first).isNotEmpty()
          .noneMatch(a -> a.rule() == Rule.ACTIVITY_DROP || a.rule() == Rule.NO_SUBMISSIONS
              || a.rule() == Rule.LOGIN_INACTIVE);

      publisher.publish(sim, log); // the rest: the writer's ids skip what is already stored
      List<Alert> restarted = run(log, "coursepulse", ON);
      List<Alert> onAllAlong = run(log, "reference", ON);

      // ACTIVITY_DROP opens nothing before the cut even when on all along (it needs three weeks
      // of baseline), so turned on at the cut it must open exactly what it opens then.
      assertThat(opened(onAllAlong, Rule.ACTIVITY_DROP)).hasSizeGreaterThan(5)
          .allSatisfy(a -> assertThat(a.openedAt()).isAfter(cutAt));
      assertThat(opened(restarted, Rule.ACTIVITY_DROP))
          .extracting(a -> a.studentId() + "@" + a.openedAt())
          .containsExactlyElementsOf(opened(onAllAlong, Rule.ACTIVITY_DROP).stream()
              .map(a -> a.studentId() + "@" + a.openedAt()).toList());
      // The two others did open before the cut when on; turned on, they catch up.
      assertThat(opened(restarted, Rule.NO_SUBMISSIONS)).isNotEmpty();
      assertThat(opened(restarted, Rule.LOGIN_INACTIVE)).isNotEmpty();
    }
  }

  private List<Alert> run(StreamLog log, String application, RulesConfig rules) throws Exception {
    List<Alert> alerts = new ArrayList<>();
    AlertingApp.Settings settings = new AlertingApp.Settings(
        application, dir.resolve(application), rules, OffsetSpec.first(), Duration.ofMinutes(5),
        false, application.equals("coursepulse") ? StreamNames.ALERTS : application + "-alerts");
    try (AlertingApp app =
        AlertingApp.start(log, settings, new SimpleMeterRegistry(), alerts::add)) {
      app.awaitQuiet(Duration.ofSeconds(1));
    }
    return alerts;
  }

  private static List<Alert> opened(List<Alert> alerts, Rule rule) {
    return alerts.stream().filter(a -> a.rule() == rule && a.type() == Alert.Type.OPENED).toList();
  }
}

package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.risk.AlertingApp;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One login from a device whose clock is a year ahead, in the middle of a busy term: the alerting
 * application's output is the clean run's, byte for byte, and the login is dead-lettered.
 */
class PoisonedEventTest {

  private static final Pattern OCCURRED = Pattern.compile("\"occurredAt\":\"[^\"]+\"");
  private static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\"([^\"]+)\"");

  @TempDir Path dir;

  @Test
  void shouldGiveTheCleanRunsAlertsWhenOneLoginIsDatedAYearAhead() throws Exception {
    Simulation simulation =
        new Simulation(SimulationConfig.defaults().withStudents(150).withDays(56));
    try (StreamLog clean = EmbeddedStreamLog.inMemory();
        StreamLog poisoned = EmbeddedStreamLog.inMemory()) {
      new SimulationPublisher(Pacer.unlimited(), p -> {}).publish(simulation, clean);
      copyWithPoison(clean, poisoned);

      List<String> expected = alerts(clean, "clean");
      List<String> actual = alerts(poisoned, "poisoned");

      assertThat(expected).hasSizeGreaterThan(20);
      assertThat(actual).containsExactlyElementsOf(expected);
      List<byte[]> dlq = StreamDump.bodies(poisoned, StreamNames.deadLetters("coursepulse"));
      assertThat(dlq).hasSize(1);
      assertThat(new String(dlq.get(0), StandardCharsets.UTF_8))
          .contains("\"stream\":\"02-Login\"", "\"reason\":\"event-time-ahead\"");
    }
  }

  /** Copies the inputs, adding a login dated 2027-06-01 in the middle of 02-Login. */
  private static void copyWithPoison(StreamLog from, StreamLog to) {
    for (String stream : StreamNames.INPUTS) {
      to.createStream(stream, Retention.unlimited());
      List<byte[]> bodies = StreamDump.bodies(from, stream);
      try (LogWriter w = to.writer(stream, "copy")) {
        long id = 0;
        for (int i = 0; i < bodies.size(); i++) {
          w.append(++id, bodies.get(i));
          if (stream.equals(StreamNames.LOGIN) && i == bodies.size() / 2) {
            w.append(++id, poison(new String(bodies.get(i), StandardCharsets.UTF_8)));
          }
        }
        w.flush(Duration.ofSeconds(30));
      }
    }
  }

  private static byte[] poison(String login) {
    Matcher id = EVENT_ID.matcher(login);
    assertThat(id.find()).isTrue();
    String json =
        OCCURRED
            .matcher(login.replace(id.group(1), id.group(1) + "-wrong-clock"))
            .replaceFirst("\"occurredAt\":\"2027-06-01T00:00:00Z\"");
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private List<String> alerts(StreamLog log, String name) throws Exception {
    AlertingApp.Settings settings =
        new AlertingApp.Settings(
            "coursepulse",
            dir.resolve(name),
            RulesConfig.DEFAULTS,
            OffsetSpec.first(),
            Duration.ofMinutes(5),
            false,
            StreamNames.ALERTS);
    try (AlertingApp app = AlertingApp.start(log, settings, new SimpleMeterRegistry(), a -> {})) {
      app.awaitQuiet(Duration.ofSeconds(1));
    }
    return StreamDump.bodies(log, StreamNames.ALERTS).stream()
        .map(b -> new String(b, StandardCharsets.UTF_8))
        .toList();
  }
}

package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.Serdes;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateAndUnreadableEventsTest {
  private static final Instant T0 = Instant.parse("2026-09-07T08:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RiskMetrics metrics = new RiskMetrics(registry, false);

  private TestDriver driver() {
    return TestDriver.builder(
            RiskTopology.build(RiskTopology.Options.forApplication("app").withMetrics(metrics)))
        .applicationId("app")
        .deserializationExceptionHandler(RiskTopology.deadLetterHandler(metrics))
        .build();
  }

  private static EnrollmentCreated enrolment() {
    return new EnrollmentCreated(
        "e-0", 1, T0, "s-1", "c-1", "student", "Ada", "ada@example.org", T0,
        T0.plusSeconds(86_400 * 100));
  }

  private double processed(String stream) {
    return registry.get("coursepulse.events.processed").tag("stream", stream).counter().count();
  }

  private double deadLetters(String reason) {
    // One counter per stream and reason, all registered at 0 up front: sum over the streams.
    return registry.find("coursepulse.dead.letters").tag("reason", reason).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }

  @Test
  void shouldRefuseARepeatedEventIdOnceAndNotCountItTwice() throws Exception {
    try (TestDriver d = driver()) {
      d.createInputStream(StreamNames.ENROLLMENT, RiskTopology.EVENT_SERDE).pipe(enrolment(), T0);
      TestInputStream<coursepulse.lms.event.LmsEvent> logins =
          d.createInputStream(StreamNames.LOGIN, RiskTopology.EVENT_SERDE);
      LoggedIn login = new LoggedIn("l-1", 1, T0.plusSeconds(60), "s-1", "desktop", "ua");
      logins.pipe(login, login.occurredAt());
      logins.pipe(login, login.occurredAt());

      assertThat(processed(StreamNames.LOGIN)).isEqualTo(1);
      assertThat(deadLetters(DeadLetter.DUPLICATE_EVENT)).isEqualTo(1);
      List<String> refused = d.createOutputStream("app-refused", Serdes.String()).readValuesToList();
      assertThat(refused).hasSize(1);
      assertThat(new ObjectMapper().readTree(refused.get(0)).get("reason").asText())
          .isEqualTo("duplicate_event");
      assertThat(refused.get(0)).contains("\"eventId\":\"l-1\"").doesNotContain("Ada");
    }
  }

  /**
   * Events of students the roster never saw (another system's ids, a misconfigured feed) are
   * refused as not enrolled, copies included, and leave no state behind: such a feed cannot grow
   * the application's state.
   */
  @Test
  void shouldKeepNoStateForEventsOfStudentsNotEnrolled() {
    try (TestDriver d = driver()) {
      TestInputStream<coursepulse.lms.event.LmsEvent> logins =
          d.createInputStream(StreamNames.LOGIN, RiskTopology.EVENT_SERDE);
      for (int i = 0; i < 300; i++) {
        Instant at = T0.plusSeconds(i);
        logins.pipe(new LoggedIn("x-" + i, 1, at, "stranger-" + i, null, null), at);
      }
      logins.pipe(new LoggedIn("x-0", 1, T0, "stranger-0", null, null), T0);

      assertThat(deadLetters(DeadLetter.NOT_ENROLLED)).isEqualTo(301);
      assertThat(d.getKeyValueStore(RiskProcessor.STUDENTS).approximateNumEntries()).isZero();
      assertThat(d.getKeyValueStore(RiskProcessor.EVENT_IDS).approximateNumEntries()).isZero();
    }
  }

  @Test
  void shouldProcessACopyAgainOnlyAfterMoreThanItsBoundOfEventsOfTheSameStudent() {
    try (TestDriver d = driver()) {
      d.createInputStream(StreamNames.ENROLLMENT, RiskTopology.EVENT_SERDE).pipe(enrolment(), T0);
      TestInputStream<coursepulse.lms.event.LmsEvent> logins =
          d.createInputStream(StreamNames.LOGIN, RiskTopology.EVENT_SERDE);
      LoggedIn first = new LoggedIn("l-first", 1, T0.plusSeconds(60), "s-1", null, null);
      logins.pipe(first, first.occurredAt());
      // The enrolment is the student's first remembered id, the login the second.
      for (int i = 0; i < RecentEventIds.PER_KEY - 2; i++) {
        logins.pipe(new LoggedIn("l-" + i, 1, T0.plusSeconds(61 + i), "s-1", null, null), T0.plusSeconds(61 + i));
      }
      logins.pipe(first, first.occurredAt());
      assertThat(deadLetters(DeadLetter.DUPLICATE_EVENT)).isEqualTo(1);
      // Two more ids push out the enrolment's and then the first login's.
      logins.pipe(new LoggedIn("l-x", 1, T0.plusSeconds(500), "s-1", null, null), T0.plusSeconds(500));
      logins.pipe(new LoggedIn("l-y", 1, T0.plusSeconds(501), "s-1", null, null), T0.plusSeconds(501));
      logins.pipe(first, first.occurredAt()); // now beyond the bound: processed again
      assertThat(deadLetters(DeadLetter.DUPLICATE_EVENT)).isEqualTo(1);
    }
  }

  @Test
  void shouldCountUnreadableBytesUnderTheCodecsReasonAndDeadLetterThem() throws Exception {
    try (TestDriver d = driver()) {
      TestInputStream<byte[]> raw = d.createInputStream(StreamNames.LOGIN, Serdes.ByteArray());
      raw.pipeRaw("not json".getBytes(StandardCharsets.UTF_8), 1L);
      raw.pipeRaw(new byte[0], 2L);
      raw.pipeRaw(
          "{\"type\":\"logged_in\",\"eventId\":\"x\",\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8), 3L);

      assertThat(deadLetters("not_json")).isEqualTo(1);
      assertThat(deadLetters("empty")).isEqualTo(1);
      assertThat(deadLetters("unsupported_schema_version")).isEqualTo(1);
      List<String> dlq = d.createOutputStream("app-dlq", Serdes.String()).readValuesToList();
      ObjectMapper json = new ObjectMapper();
      assertThat(dlq.stream().map(s -> readReason(json, s)).toList())
          .containsExactly("not_json", "empty", "unsupported_schema_version");
    }
  }

  /**
   * Issue 20, input checked as strictly as documented, through the topology that {@code process}
   * runs: an enrolment sent to 02-Login and a number where the schema says string are dead-lettered
   * with their reason, never applied.
   */
  @Test
  void shouldDeadLetterAnEventOnTheWrongStreamAndANumberWhereAStringIsRequired() throws Exception {
    try (TestDriver d = driver()) {
      TestInputStream<byte[]> login = d.createInputStream(StreamNames.LOGIN, Serdes.ByteArray());
      login.pipeRaw(coursepulse.lms.event.EventCodec.encode(enrolment()), 1L);
      String numberId =
          new String(coursepulse.lms.event.EventCodec.encode(enrolment()), StandardCharsets.UTF_8)
              .replace("\"studentId\":\"s-1\"", "\"studentId\":42");
      assertThat(numberId).contains("\"studentId\":42");
      TestInputStream<byte[]> enrolments =
          d.createInputStream(StreamNames.ENROLLMENT, Serdes.ByteArray());
      enrolments.pipeRaw(numberId.getBytes(StandardCharsets.UTF_8), 2L);

      assertThat(deadLetters("wrong_stream")).isEqualTo(1);
      assertThat(deadLetters("wrong_type")).isEqualTo(1);
      assertThat(registry.get("coursepulse.students.tracked").gauge().value())
          .as("neither enrolment applied")
          .isZero();
      List<String> dlq = d.createOutputStream("app-dlq", Serdes.String()).readValuesToList();
      assertThat(dlq.stream().map(s -> readReason(new ObjectMapper(), s)).toList())
          .containsExactly("wrong_stream", "wrong_type");
    }
  }

  private static String readReason(ObjectMapper json, String s) {
    try {
      return json.readTree(s).get("reason").asText();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

package coursepulse.lms.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.lms.sink.AlertSink;
import coursepulse.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Courses, students and alerts for the web tests, published to a log and written by the real sink
 * (alerts and events), so the pages read what the sink writes.
 */
final class WebFixtures {
  static final Instant START = Instant.parse("2026-09-07T00:00:00Z");
  static final Instant END = Instant.parse("2026-12-18T00:00:00Z");

  private WebFixtures() {}

  static EnrollmentCreated enrol(String student, String course, String role, String name) {
    return new EnrollmentCreated(id(), 1, START, student, course, role, name,
        name.toLowerCase(Locale.ROOT).replace(' ', '.') + "@example.edu", START, END);
  }

  static AssetAccessed click(String student, String course, Instant at, int clicks) {
    return new AssetAccessed(id(), 1, at, student, course, "page", "p1", clicks);
  }

  static LoggedIn login(String student, Instant at) {
    return new LoggedIn(id(), 1, at, student, "web", "test");
  }

  static AssignmentCreated assignment(String course, String id, Instant due) {
    return new AssignmentCreated(id(), 1, START, course, id, due, 100.0, "TMA", null);
  }

  static SubmissionCreated submission(String student, String course, String assignment,
      Instant at, boolean late) {
    return new SubmissionCreated(id(), 1, at, student, course, assignment, late);
  }

  /** An alert_opened record as 04-Alerts carries it; score and factors are optional fields. */
  static byte[] opened(String alertId, String rule, String severity, String student,
      String course, Instant at, String evidence, String scoreAndFactors) {
    return ("{\"type\":\"alert_opened\",\"alertId\":\"" + alertId + "\",\"rule\":\"" + rule
        + "\",\"severity\":\"" + severity + "\",\"studentId\":\"" + student + "\",\"courseId\":"
        + (course == null ? "null" : "\"" + course + "\"") + ",\"openedAt\":\"" + at
        + "\",\"evidence\":" + evidence + ",\"rulesVersion\":\"default-2\""
        + (scoreAndFactors == null ? "" : "," + scoreAndFactors) + "}").getBytes(UTF_8);
  }

  static void publish(StreamLog log, String stream, List<byte[]> records) {
    if (!log.streamExists(stream)) {
      log.createStream(stream, Retention.unlimited());
    }
    try (LogWriter w = log.writer(stream, "web-test-" + stream)) {
      long id = w.lastPublishingId();
      for (byte[] r : records) {
        w.append(++id, r);
      }
      w.flush(Duration.ofSeconds(30));
    }
  }

  static void publishEvents(StreamLog log, List<? extends LmsEvent> events) {
    for (String stream : StreamNames.INPUTS) {
      List<byte[]> bodies = new ArrayList<>();
      for (LmsEvent e : events) {
        if (e.stream().equals(stream)) {
          bodies.add(EventCodec.encode(e));
        }
      }
      if (!bodies.isEmpty()) {
        publish(log, stream, bodies);
      }
    }
  }

  /** The sinks as 'coursepulse sink' runs them: alerts plus the three input streams. */
  static List<AlertSink> startSinks(StreamLog log, PostgresDatabase db) {
    List<AlertSink> sinks = new ArrayList<>();
    for (String stream : List.of(StreamNames.ALERTS, StreamNames.ENROLLMENT, StreamNames.LOGIN,
        StreamNames.ACTIVITY)) {
      if (!log.streamExists(stream)) {
        log.createStream(stream, Retention.unlimited());
      }
      AlertSink.Builder b = AlertSink.builder(log, db.jdbcUrl())
          .credentials(db.user(), db.password())
          .sinkName("web-test")
          .stream(stream)
          .maxBatchDelay(Duration.ofMillis(20));
      if (!stream.equals(StreamNames.ALERTS)) {
        b.events();
      }
      AlertSink sink = b.build();
      sink.start();
      sinks.add(sink);
    }
    return sinks;
  }

  /** Waits until every sink has applied its stream's last record. */
  static void awaitApplied(StreamLog log, List<AlertSink> sinks) throws InterruptedException {
    for (AlertSink sink : sinks) {
      String stream = streamOf(sinks.indexOf(sink));
      long last = log.stats(stream).map(s -> s.lastOffset()).orElse(-1L);
      await(() -> sink.position() >= last, stream + " applied up to " + last);
    }
  }

  private static String streamOf(int i) {
    return List.of(StreamNames.ALERTS, StreamNames.ENROLLMENT, StreamNames.LOGIN,
        StreamNames.ACTIVITY).get(i);
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }
}

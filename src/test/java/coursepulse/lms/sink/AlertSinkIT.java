package coursepulse.lms.sink;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import coursepulse.testing.PostgresExtension.PostgresServer;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({RabbitMqExtension.class, PostgresExtension.class})
class AlertSinkIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @Test
  void shouldMaterializeASimulatedSemesterExactlyAsTheStreamSays(
      RabbitStreamLog log, PostgresDatabase db) throws Exception {
    List<byte[]> records = SinkFixtures.semester();
    SinkFixtures.publish(log, StreamNames.ALERTS, records);
    long last = records.size() - 1;

    long start = System.nanoTime();
    try (AlertSink sink = sink(log, db, StreamNames.ALERTS).batchSize(1000).build()) {
      sink.start();
      awaitUntil(() -> sink.position() == last, "sink reaches offset " + last);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT,
          "sink applied %d alert records (%s) in %.2f s: %.0f records/s (including schema"
              + " creation)%n", records.size(), SinkFixtures.counts(records), seconds,
          records.size() / seconds);
      assertThat(sink.recordsApplied()).isEqualTo(records.size());
    }

    try (Connection c = db.connect()) {
      var expected = SinkFixtures.expected(records, last);
      assertThat(expected.values()).anyMatch(r -> r.resolvedAt() == null);
      assertThat(expected.values()).anyMatch(r -> r.resolvedAt() != null);
      assertThat(SinkFixtures.table(c)).isEqualTo(expected);
      assertThat(SinkFixtures.position(c, "it-sink", StreamNames.ALERTS)).isEqualTo(last);
    }
  }

  @Test
  void shouldApplyAResolutionThatArrivesBeforeItsOpeningAndSkipUndecodableRecords(
      RabbitStreamLog log, PostgresDatabase db) throws Exception {
    String stream = RabbitVhost.uniqueStream("alerts");
    List<byte[]> records = new ArrayList<>();
    records.add(bytes("{\"type\":\"alert_resolved\",\"alertId\":\"2d9549433aae3a31\","
        + "\"rule\":\"LOGIN_INACTIVE\",\"severity\":\"low\",\"studentId\":\"s-0000012\","
        + "\"courseId\":null,\"openedAt\":\"2026-10-11T01:17:47Z\","
        + "\"resolvedAt\":\"2026-10-14T08:02:11Z\",\"evidence\":{\"reason\":\"login\","
        + "\"inactiveDays\":10.28},\"rulesVersion\":\"default-1\"}"));
    records.add(bytes("not json at all"));
    records.add(bytes("{\"type\":\"alert_opened\",\"alertId\":\"2d9549433aae3a31\","
        + "\"rule\":\"LOGIN_INACTIVE\",\"severity\":\"low\",\"studentId\":\"s-0000012\","
        + "\"courseId\":null,\"openedAt\":\"2026-10-11T01:17:47Z\",\"evidence\":{"
        + "\"inactiveDays\":7.00,\"thresholdDays\":7.00,\"lastLoginAt\":null},"
        + "\"rulesVersion\":\"default-1\"}"));
    SinkFixtures.publish(log, stream, records);

    try (AlertSink sink = sink(log, db, stream).build()) {
      sink.start();
      awaitUntil(() -> sink.position() == 2, "sink reaches offset 2");
    }

    try (Connection c = db.connect()) {
      var rows = SinkFixtures.table(c);
      assertThat(rows).isEqualTo(SinkFixtures.expected(records, 2));
      SinkFixtures.Row row = rows.get("2d9549433aae3a31");
      assertThat(row.resolvedAt()).isNotNull();
      assertThat(row.evidence().get("inactiveDays").decimalValue()).isEqualByComparingTo("7.00");
      assertThat(row.resolution().get("reason").asText()).isEqualTo("login");
    }
  }

  @Test
  void shouldResumeFromItsStoredPositionAfterTheDatabaseRestarts(
      RabbitStreamLog log, PostgresDatabase db, PostgresServer server) throws Exception {
    if (!server.controllable()) {
      String why = "COURSEPULSE_PGDATA/COURSEPULSE_PG_BINDIR unset: cannot restart PostgreSQL";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and " + why);
      }
      Assumptions.abort(why);
    }
    String stream = RabbitVhost.uniqueStream("alerts");
    List<byte[]> records = SinkFixtures.semester();
    int half = records.size() / 2;
    SinkFixtures.publish(log, stream, records.subList(0, half));

    try (AlertSink sink =
        sink(log, db, stream).batchSize(200).backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
            .build()) {
      sink.start();
      awaitUntil(() -> sink.position() == half - 1, "sink reaches offset " + (half - 1));

      server.stop();
      try {
        SinkFixtures.publish(log, stream, records.subList(half, records.size()));
        awaitUntil(() -> sink.state() == AlertSink.State.RECOVERING, "sink notices the outage");
      } finally {
        server.start();
      }
      awaitUntil(() -> sink.position() == records.size() - 1, "sink catches up after restart");
      assertThat(sink.state()).isEqualTo(AlertSink.State.RUNNING);
      assertThat(sink.recordsApplied()).isEqualTo(records.size());
    }

    try (Connection c = db.connect()) {
      assertThat(SinkFixtures.table(c))
          .isEqualTo(SinkFixtures.expected(records, records.size() - 1));
    }
  }

  private static AlertSink.Builder sink(RabbitStreamLog log, PostgresDatabase db, String stream) {
    return AlertSink.builder(log, db.jdbcUrl())
        .credentials(db.user(), db.password())
        .stream(stream)
        .sinkName("it-sink")
        .maxBatchDelay(Duration.ofMillis(50))
        .reportInterval(Duration.ofSeconds(5));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

}

package coursepulse.lms.sink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.engine.TestOutputStream;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alert records for the sink's tests, and an independent reading of what the table must hold:
 * a fold over the raw JSON that shares no code with the sink.
 */
final class SinkFixtures {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  private static List<byte[]> semester;

  private SinkFixtures() {}

  /**
   * The 04-Alerts records of a simulated semester (600 students, 15 weeks) run through the
   * alerting topology on the test driver; computed once per JVM.
   */
  static synchronized List<byte[]> semester() {
    if (semester == null) {
      SimulationConfig config = SimulationConfig.defaults().withStudents(600).withCourses(8);
      Simulation sim = new Simulation(config);
      List<byte[]> alerts = new ArrayList<>();
      try (TestDriver driver =
          new TestDriver(RiskTopology.build(RiskTopology.Options.forApplication("sink-test")))) {
        Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
        for (String s : StreamNames.INPUTS) {
          inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
        }
        TestOutputStream<String, byte[]> out =
            driver.createOutputStream(StreamNames.ALERTS, Serdes.ByteArray());
        SimulationRun run = sim.run();
        for (SimEvent e = run.next(); e != null; e = run.next()) {
          inputs.get(e.stream()).pipeRaw(e.toJson(), e.occurredAt().toEpochMilli());
        }
        for (StreamRecord<String, byte[]> r : out.readRecordsToList()) {
          alerts.add(r.value());
        }
      }
      semester = List.copyOf(alerts);
    }
    return semester;
  }

  /** Creates {@code stream} if needed and appends {@code records} under one producer name. */
  static void publish(StreamLog log, String stream, List<byte[]> records) {
    log.createStream(stream, Retention.unlimited());
    try (LogWriter w = log.writer(stream, "sink-test-" + stream)) {
      long id = w.lastPublishingId();
      for (byte[] r : records) {
        w.append(++id, r);
      }
      w.flush(Duration.ofSeconds(60));
    }
  }

  /** One alert as the table must show it. */
  record Row(
      String alertId,
      String studentId,
      String courseId,
      String rule,
      String severity,
      Instant openedAt,
      Instant resolvedAt,
      JsonNode evidence,
      JsonNode resolution,
      String rulesVersion,
      long lastOffset) {}

  /** What the table must hold after the records at offsets 0..{@code upTo} (inclusive). */
  static Map<String, Row> expected(List<byte[]> records, long upTo) {
    Map<String, Row> rows = new TreeMap<>();
    for (int offset = 0; offset <= upTo && offset < records.size(); offset++) {
      JsonNode n;
      try {
        n = JSON.readTree(records.get(offset));
      } catch (IOException e) {
        continue; // undecodable records change nothing
      }
      if (n == null || !n.isObject() || !n.has("alertId")) {
        continue;
      }
      String id = n.get("alertId").asText();
      boolean opened = n.get("type").asText().equals("alert_opened");
      Row old = rows.get(id);
      Row base =
          old != null
              ? old
              : new Row(id, n.get("studentId").asText(),
                  n.get("courseId").isNull() ? null : n.get("courseId").asText(),
                  n.get("rule").asText(), n.get("severity").asText(),
                  Instant.parse(n.get("openedAt").asText()), null, null, null,
                  n.get("rulesVersion").asText(), offset);
      rows.put(
          id,
          new Row(id, base.studentId(), base.courseId(), base.rule(), base.severity(),
              base.openedAt(),
              opened ? base.resolvedAt() : Instant.parse(n.get("resolvedAt").asText()),
              opened ? n.get("evidence") : base.evidence(),
              opened ? base.resolution() : n.get("evidence"),
              opened ? n.get("rulesVersion").asText() : base.rulesVersion(),
              offset));
    }
    return rows;
  }

  /** Every row of {@code alerts}, by id. */
  static Map<String, Row> table(Connection c) throws SQLException {
    Map<String, Row> rows = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT alert_id, student_id, course_id, rule, severity, opened_at, resolved_at,"
                    + " evidence::text, resolution::text, rules_version, last_offset FROM alerts")) {
      while (rs.next()) {
        rows.put(
            rs.getString(1),
            new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), instant(rs.getObject(6, OffsetDateTime.class)),
                instant(rs.getObject(7, OffsetDateTime.class)), json(rs.getString(8)),
                json(rs.getString(9)), rs.getString(10), rs.getLong(11)));
      }
    }
    return rows;
  }

  /** The stored position of {@code sinkName} in {@code stream}, -2 when the table is missing. */
  static long position(Connection c, String sinkName, String stream) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT last_offset FROM sink_positions WHERE sink_name = ? AND stream = ?")) {
      p.setString(1, sinkName);
      p.setString(2, stream);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return -2;
      }
      throw e;
    }
  }

  /** Counts of openings and resolutions, for messages. */
  static Map<String, Integer> counts(List<byte[]> records) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (byte[] r : records) {
      try {
        counts.merge(JSON.readTree(r).get("type").asText(), 1, Integer::sum);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return counts;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static JsonNode json(String text) {
    try {
      return text == null ? null : JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

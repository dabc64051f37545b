package coursepulse.lms.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code 04-Alerts} into the table {@code alerts}, one row per alert. */
final class AlertsTarget implements SinkTarget<AlertsTarget.Scored> {

  /**
   * An alert with the optional fields of newer records ({@code score}, {@code factors}), read from
   * the record itself so the sink keeps them whether or not {@link Alert} models them.
   *
   * @param score null when the record has none
   * @param factorsJson the {@code factors} array as JSON, null when absent
   */
  record Scored(Alert alert, BigDecimal score, String factorsJson) {}

  /** Merges like {@link AlertRow#merge}: what a record does not know keeps the stored value. */
  static final String UPSERT =
      "INSERT INTO alerts AS a (alert_id, student_id, course_id, rule, severity, opened_at,"
          + " resolved_at, evidence, resolution, rules_version, last_offset)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)"
          + " ON CONFLICT (alert_id) DO UPDATE SET"
          + " resolved_at = COALESCE(EXCLUDED.resolved_at, a.resolved_at),"
          + " evidence = COALESCE(EXCLUDED.evidence, a.evidence),"
          + " resolution = COALESCE(EXCLUDED.resolution, a.resolution),"
          + " rules_version = CASE WHEN EXCLUDED.evidence IS NULL THEN a.rules_version"
          + " ELSE EXCLUDED.rules_version END,"
          + " last_offset = GREATEST(a.last_offset, EXCLUDED.last_offset)";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String applicationId;
  private final String rulesHash;

  /**
   * @param applicationId keep only alerts stamped with this application id; {@code null}: any
   * @param rulesHash keep only alerts decided by rules with this hash; {@code null}: any
   */
  AlertsTarget(String applicationId, String rulesHash) {
    this.applicationId = applicationId;
    this.rulesHash = rulesHash;
  }

  @Override
  public boolean keep(Scored record) {
    return record.alert().matches(applicationId, rulesHash);
  }

  @Override
  public Scored decode(byte[] body) {
    Alert alert = AlertCodec.decode(body);
    BigDecimal score = null;
    String factors = null;
    try {
      JsonNode n = JSON.readTree(body);
      if (n.hasNonNull("score") && n.get("score").isNumber()) {
        score = n.get("score").decimalValue();
      }
      if (n.hasNonNull("factors") && n.get("factors").isArray()) {
        factors = JSON.writeValueAsString(n.get("factors"));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    return new Scored(alert, score, factors);
  }

  @Override
  public Instant eventTime(Scored record) {
    return record.alert().eventTime();
  }

  @Override
  public String describe(Scored record) {
    Alert a = record.alert();
    return a.type() + " " + a.alertId() + " student " + a.studentId();
  }

  @Override
  public void write(Connection connection, List<Map.Entry<Long, Scored>> batch)
      throws SQLException {
    List<Map.Entry<Long, Alert>> alerts = new ArrayList<>(batch.size());
    for (Map.Entry<Long, Scored> e : batch) {
      alerts.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue().alert()));
    }
    try (PreparedStatement p = connection.prepareStatement(UPSERT)) {
      for (AlertRow r : AlertRow.fold(alerts)) {
        p.setString(1, r.alertId());
        p.setString(2, r.studentId());
        p.setString(3, r.courseId());
        p.setString(4, r.rule());
        p.setString(5, r.severity());
        Sql.setInstant(p, 6, r.openedAt());
        Sql.setInstant(p, 7, r.resolvedAt());
        p.setString(8, r.evidenceJson());
        p.setString(9, r.resolutionJson());
        p.setString(10, r.rulesVersion());
        p.setLong(11, r.lastOffset());
        p.addBatch();
      }
      p.executeBatch();
    }
    // Only openings carry the score that explains them; rows exist now, so a plain update.
    try (PreparedStatement p =
        connection.prepareStatement(
            "UPDATE alerts SET score = ?, factors = ?::jsonb WHERE alert_id = ?")) {
      int n = 0;
      for (Map.Entry<Long, Scored> e : batch) {
        Scored s = e.getValue();
        if (s.alert().type() == Alert.Type.OPENED && (s.score() != null || s.factorsJson() != null)) {
          p.setBigDecimal(1, s.score());
          p.setString(2, s.factorsJson());
          p.setString(3, s.alert().alertId());
          p.addBatch();
          n++;
        }
      }
      if (n > 0) {
        p.executeBatch();
      }
    }
  }
}

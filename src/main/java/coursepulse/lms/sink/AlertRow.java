package coursepulse.lms.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import coursepulse.lms.risk.Alert;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a batch of {@code 04-Alerts} records says about one alert, folded in memory before it is
 * upserted: one statement per alert per batch, however many of its records the batch holds.
 *
 * <p>The fold is commutative in what matters, so order does not: an opening contributes the
 * opening's evidence and rules version, a resolution {@code resolvedAt} and its evidence, and the
 * database merges a row with the stored one the same way ({@code COALESCE}), so a resolution
 * applied before its opening still ends in the same row.
 *
 * @param evidenceJson the opening's evidence as JSON, null until an opening was seen
 * @param resolutionJson the resolution's evidence as JSON, null until a resolution was seen
 * @param lastOffset the highest stream offset folded in
 */
record AlertRow(
    String alertId,
    String studentId,
    String courseId,
    String rule,
    String severity,
    Instant openedAt,
    Instant resolvedAt,
    String evidenceJson,
    String resolutionJson,
    String rulesVersion,
    long lastOffset) {

  private static final JsonFactory JSON = new JsonFactory();

  /** The row one record gives on its own. */
  static AlertRow of(Alert alert, long offset) {
    boolean opening = alert.type() == Alert.Type.OPENED;
    String evidence = json(alert.evidence());
    return new AlertRow(
        alert.alertId(),
        alert.studentId(),
        alert.courseId(),
        alert.rule().name(),
        alert.severity().code(),
        alert.openedAt(),
        alert.resolvedAt(),
        opening ? evidence : null,
        opening ? null : evidence,
        alert.rulesVersion(),
        offset);
  }

  /** This row with {@code later} (a row of the same alert) folded in, as the upsert does. */
  AlertRow merge(AlertRow later) {
    boolean laterOpens = later.evidenceJson != null;
    return new AlertRow(
        alertId,
        studentId,
        courseId,
        rule,
        severity,
        openedAt,
        later.resolvedAt != null ? later.resolvedAt : resolvedAt,
        laterOpens ? later.evidenceJson : evidenceJson,
        later.resolutionJson != null ? later.resolutionJson : resolutionJson,
        laterOpens ? later.rulesVersion : rulesVersion,
        Math.max(lastOffset, later.lastOffset));
  }

  /** Folds records in stream order into one row per alert id, in order of first appearance. */
  static Collection<AlertRow> fold(Iterable<Map.Entry<Long, Alert>> records) {
    Map<String, AlertRow> rows = new LinkedHashMap<>();
    for (Map.Entry<Long, Alert> r : records) {
      AlertRow row = of(r.getValue(), r.getKey());
      rows.merge(row.alertId(), row, AlertRow::merge);
    }
    return rows.values();
  }

  /** Evidence as compact JSON; values are Long, BigDecimal (kept as written), String or null. */
  static String json(Map<String, Object> evidence) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : evidence.entrySet()) {
        Object v = e.getValue();
        if (v == null) {
          g.writeNullField(e.getKey());
        } else if (v instanceof Long || v instanceof Integer) {
          g.writeNumberField(e.getKey(), ((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
          g.writeFieldName(e.getKey());
          g.writeNumber(d.toPlainString());
        } else {
          g.writeStringField(e.getKey(), v.toString());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}

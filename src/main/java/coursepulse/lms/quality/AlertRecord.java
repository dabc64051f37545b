package coursepulse.lms.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One record of {@code 04-Alerts} as the evaluation reads it, leniently ({@link AlertOpening} says
 * why): what identifies it, so that a reset and re-run's repeated records count once, who wrote
 * it, so that {@code --application-id} and {@code --rules-hash} can select it, and the opening it
 * is, if it is one.
 *
 * @param type the record type as written ({@code alert_opened}, {@code alert_resolved}, …)
 * @param alertId the alert's deterministic id, or {@code null} when absent
 * @param applicationId the application that wrote it, or {@code null} in a record from before
 *     alerts were stamped
 * @param rulesHash the hash of the rules that decided it, or {@code null} likewise
 * @param opening the opening, or {@code null} for another type (a resolution)
 */
public record AlertRecord(
    String type, String alertId, String applicationId, String rulesHash, AlertOpening opening) {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final String OPENED = "alert_opened";

  /**
   * Whether the record was written by {@code applicationId} with {@code rulesHash} (either {@code
   * null}: any), as {@code coursepulse.lms.risk.Alert#matches} selects for {@code --ground-truth}:
   * an unstamped record matches only a filter that asks for nothing.
   */
  public boolean matches(String applicationId, String rulesHash) {
    return (applicationId == null || applicationId.equals(this.applicationId))
        && (rulesHash == null || rulesHash.equals(this.rulesHash));
  }

  /**
   * The record's identity: the same alert id and type is the same record written again. {@code
   * null} when it has no alert id (then it cannot be told from another).
   */
  public String recordKey() {
    return alertId == null ? null : alertId + '/' + type;
  }

  /**
   * Reads one record of {@code 04-Alerts}.
   *
   * @throws IllegalArgumentException when the bytes are not an alert record
   */
  public static AlertRecord decode(byte[] bytes) {
    String type = null;
    String alertId = null;
    String applicationId = null;
    String rulesHash = null;
    String rule = null;
    String studentId = null;
    String courseId = null;
    String openedAt = null;
    double score = Double.NaN;
    String severity = null;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String field;
      while ((field = p.nextFieldName()) != null) {
        JsonToken t = p.nextToken();
        switch (field) {
          case "type" -> type = text(p, t);
          case "alertId" -> alertId = text(p, t);
          case "applicationId" -> applicationId = text(p, t);
          case "rulesHash" -> rulesHash = text(p, t);
          case "rule" -> rule = text(p, t);
          case "studentId" -> studentId = text(p, t);
          case "courseId" -> courseId = text(p, t);
          case "openedAt" -> openedAt = text(p, t);
          case "score" -> score = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
          case "severity" -> severity = text(p, t);
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (type == null || rule == null || studentId == null || openedAt == null) {
      throw new IllegalArgumentException(
          "not an alert record: type, rule, studentId or openedAt missing");
    }
    if (!OPENED.equals(type)) {
      return new AlertRecord(type, alertId, applicationId, rulesHash, null);
    }
    if (!(Double.isNaN(score) || (score >= 0 && score <= 1))) {
      throw new IllegalArgumentException("score " + score + " is not in [0, 1]");
    }
    try {
      return new AlertRecord(
          type,
          alertId,
          applicationId,
          rulesHash,
          new AlertOpening(
              rule, studentId, courseId, Instant.parse(openedAt), score, severity));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "openedAt '" + openedAt + "' is not an ISO-8601 instant", e);
    }
  }

  private static String text(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw new IllegalArgumentException("field " + p.currentName() + " is not text");
    }
    return p.getText();
  }
}

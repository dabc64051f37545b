package coursepulse.lms.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * What the evaluation needs of one {@code alert_opened} record of {@code 04-Alerts}. Read
 * leniently, unlike {@code AlertCodec}: the rule is an open set of names (rules are added on other
 * branches and by other versions), and fields this reader does not know ({@code evidence}, {@code
 * factors}, {@code applicationId}, {@code rulesHash}, …) are skipped.
 *
 * @param rule the rule name as written
 * @param studentId the student
 * @param courseId the course, or {@code null} for a student-level alert
 * @param openedAt when the alert opened (event time)
 * @param score the optional risk score in [0, 1] the alert carries, or NaN when absent
 * @param severity the severity as written ({@code low}, {@code medium}, {@code high}, or a name
 *     this reader does not know), or {@code null} when absent
 */
public record AlertOpening(
    String rule, String studentId, String courseId, Instant openedAt, double score, String severity) {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final String OPENED = "alert_opened";

  public AlertOpening {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(studentId, "studentId");
    Objects.requireNonNull(openedAt, "openedAt");
  }

  /** An opening without a severity. */
  public AlertOpening(String rule, String studentId, String courseId, Instant openedAt, double score) {
    this(rule, studentId, courseId, openedAt, score, null);
  }

  /** Whether the alert carries a score. */
  public boolean hasScore() {
    return !Double.isNaN(score);
  }

  /**
   * Reads one record of {@code 04-Alerts}.
   *
   * @return the opening, or {@code null} for another record type (a resolution)
   * @throws IllegalArgumentException when the bytes are not an alert record
   */
  public static AlertOpening decode(byte[] bytes) {
    String type = null;
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
      throw new IllegalArgumentException("not an alert record: type, rule, studentId or openedAt missing");
    }
    if (!OPENED.equals(type)) {
      return null;
    }
    if (!(Double.isNaN(score) || (score >= 0 && score <= 1))) {
      throw new IllegalArgumentException("score " + score + " is not in [0, 1]");
    }
    try {
      return new AlertOpening(rule, studentId, courseId, Instant.parse(openedAt), score, severity);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("openedAt '" + openedAt + "' is not an ISO-8601 instant", e);
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

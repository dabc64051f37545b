package coursepulse.lms.quality;

import java.time.Instant;
import java.util.Objects;

/**
 * What the evaluation needs of one {@code alert_opened} record of {@code 04-Alerts}. Read
 * leniently, unlike {@code AlertCodec}: the rule is an open set of names (rules are added on other
 * branches and by other versions), and fields the evaluation does not need ({@code evidence}, {@code
 * factors}, …) are skipped; {@link AlertRecord} reads the record around it (id, application, rules
 * hash).
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
    return AlertRecord.decode(bytes).opening();
  }
}

package coursepulse.lms.risk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One record of {@code 04-Alerts}: an alert opening or the resolution of an open alert. A
 * resolution carries the {@link #alertId()}, rule, severity and {@link #openedAt()} of the alert it
 * closes, plus {@link #resolvedAt()}. All times are event times.
 *
 * @param type opened or resolved
 * @param alertId deterministic id: see {@link #idOf}
 * @param rule the rule that raised the alert
 * @param severity severity when the alert opened
 * @param studentId the student (opaque id, never a name)
 * @param courseId the course, or {@code null} for student-level rules
 * @param openedAt when the condition became true (event time)
 * @param resolvedAt when it cleared, on resolutions only; {@code null} on openings
 * @param evidence the numbers behind the decision, in a fixed order; values are {@link Long},
 *     {@link BigDecimal} (two decimals) or {@link String}
 * @param rulesVersion the {@code version} of the rules configuration that decided
 * @param score the student-course's risk score in [0, 1] when the alert was decided, or {@code
 *     null} where there is none (student-level rules, before the first score)
 * @param factors the strongest reasons in plain words, most important first; may be empty
 */
public record Alert(
    Type type,
    String alertId,
    Rule rule,
    Severity severity,
    String studentId,
    String courseId,
    Instant openedAt,
    Instant resolvedAt,
    Map<String, Object> evidence,
    String rulesVersion,
    Double score,
    java.util.List<String> factors)
    implements RiskOutput {

  /** An alert without score or factors. */
  public Alert(
      Type type,
      String alertId,
      Rule rule,
      Severity severity,
      String studentId,
      String courseId,
      Instant openedAt,
      Instant resolvedAt,
      Map<String, Object> evidence,
      String rulesVersion) {
    this(type, alertId, rule, severity, studentId, courseId, openedAt, resolvedAt, evidence,
        rulesVersion, null, java.util.List.of());
  }

  /** Whether a record opens or resolves an alert. */
  public enum Type {
    OPENED("alert_opened"),
    RESOLVED("alert_resolved");

    private final String code;

    Type(String code) {
      this.code = code;
    }

    /** The {@code type} value in JSON. */
    public String code() {
      return code;
    }

    static Type ofCode(String code) {
      for (Type t : values()) {
        if (t.code.equals(code)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown alert type '" + code + "'");
    }
  }

  public Alert {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(studentId, "studentId");
    Objects.requireNonNull(openedAt, "openedAt");
    Objects.requireNonNull(rulesVersion, "rulesVersion");
    if ((type == Type.RESOLVED) != (resolvedAt != null)) {
      throw new IllegalArgumentException("resolvedAt is set exactly on resolutions");
    }
    evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    factors = factors == null ? java.util.List.of() : java.util.List.copyOf(factors);
    if (score != null && !(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score " + score + " is not in [0, 1]");
    }
  }

  /** The event time of this record: {@code resolvedAt} on resolutions, else {@code openedAt}. */
  public Instant eventTime() {
    return resolvedAt != null ? resolvedAt : openedAt;
  }

  /**
   * The id of the alert of {@code rule} for a student (and course) opened at {@code openedAtMs}:
   * the first 16 hex digits of SHA-256 over those four values, so a replay gives the same id.
   */
  public static String idOf(Rule rule, String studentId, String courseId, long openedAtMs) {
    String material =
        rule.name() + '\n' + studentId + '\n' + (courseId == null ? "" : courseId) + '\n' + openedAtMs;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(16);
      for (int i = 0; i < 8; i++) {
        hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16))
            .append(Character.forDigit(digest[i] & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /** A ratio as evidence: two decimals, half-up, so its text never depends on the JVM. */
  public static BigDecimal ratio(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
  }
}

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
 * @param applicationId the application that wrote the record; {@code null} on records written
 *     before it was stamped (and in topologies built without an {@link Origin})
 * @param rulesHash {@link Origin#rulesHash(RulesConfig)} of the rules that decided, or {@code null}
 *     as {@code applicationId}
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
    java.util.List<String> factors,
    String applicationId,
    String rulesHash)
    implements RiskOutput {

  /** An alert with score and factors, not stamped with its origin (yet). */
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
      String rulesVersion,
      Double score,
      java.util.List<String> factors) {
    this(type, alertId, rule, severity, studentId, courseId, openedAt, resolvedAt, evidence,
        rulesVersion, score, factors, null, null);
  }

  /** An alert without score or factors, not stamped with its origin (yet). */
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
    this(
        type, alertId, rule, severity, studentId, courseId, openedAt, resolvedAt, evidence,
        rulesVersion, null, java.util.List.of(), null, null);
  }

  /**
   * Who decided an alert: the application id and a hash of the rules' content, so outputs of a
   * trial run with other thresholds can never pass for the real ones even when the hand-written
   * {@code version} was left unchanged.
   */
  public record Origin(String applicationId, String rulesHash) {
    public Origin {
      Objects.requireNonNull(applicationId, "applicationId");
      Objects.requireNonNull(rulesHash, "rulesHash");
    }

    /** The origin of alerts decided by {@code rules} in application {@code applicationId}. */
    public static Origin of(String applicationId, RulesConfig rules) {
      return new Origin(applicationId, rulesHash(rules));
    }

    /**
     * The origin of alerts decided by {@code rules} and the risk model {@code modelVersion}: a new
     * model changes the hash as a new threshold does.
     */
    public static Origin of(String applicationId, RulesConfig rules, String modelVersion) {
      return new Origin(applicationId, sha256Hex16(rules.toString() + '\n' + modelVersion));
    }

    /**
     * 16 hex digits of SHA-256 over the rules' full content (every threshold and the version,
     * defaults included), so equal rules give equal hashes whatever file they came from.
     */
    public static String rulesHash(RulesConfig rules) {
      return sha256Hex16(rules.toString());
    }
  }

  /** This record stamped with {@code origin}. */
  public Alert withOrigin(Origin origin) {
    return new Alert(
        type, alertId, rule, severity, studentId, courseId, openedAt, resolvedAt, evidence,
        rulesVersion, score, factors, origin.applicationId(), origin.rulesHash());
  }

  /**
   * Whether this record comes from {@code applicationId} (any when null) and rules with hash {@code
   * rulesHash} (any when null). A record written before alerts were stamped matches only a filter
   * that asks for nothing.
   */
  public boolean matches(String applicationId, String rulesHash) {
    return (applicationId == null || applicationId.equals(this.applicationId))
        && (rulesHash == null || rulesHash.equals(this.rulesHash));
  }

  /**
   * The identity of this record for deduplication: alert id and type. A reset followed by a
   * re-run writes the same records again (ids are deterministic); readers count each key once.
   */
  public String recordKey() {
    return alertId + '/' + type.code();
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
    return sha256Hex16(
        rule.name() + '\n' + studentId + '\n' + (courseId == null ? "" : courseId) + '\n'
            + openedAtMs);
  }

  private static String sha256Hex16(String material) {
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

  /** A duration as evidence: days, two decimals. */
  static BigDecimal days(long ms) {
    return ratio(ms / (double) Weeks.DAY_MS);
  }

  /** A ratio as evidence: two decimals, half-up, so its text never depends on the JVM. */
  public static BigDecimal ratio(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
  }
}

package coursepulse.lms.risk;

/**
 * How urgent an alert is. It grows with the number of alerts open for the same student at the
 * moment the alert opens (this one included): one is {@code low}, two {@code medium}, three or
 * more {@code high}. When fewer than three rules are switched on (the defaults: two), three open
 * alerts are rare (a student in several courses) and {@code high}, the one severity that is
 * emailed at once, would in practice never happen; there every rule on agreeing is {@code high}:
 * two alerts open out of two rules. On OULAD 2013B with the defaults, 98 % of the student-courses
 * alerted {@code high} failed or withdrew, and 0.7 % of the passing ones were (docs/rules.md).
 */
public enum Severity {
  LOW("low"),
  MEDIUM("medium"),
  HIGH("high");

  private final String code;

  Severity(String code) {
    this.code = code;
  }

  /** The lowercase value written to {@code 04-Alerts} and used as a metric tag. */
  public String code() {
    return code;
  }

  /**
   * The severity of an alert opening while {@code openAlerts} alerts of the student (itself
   * included) are open and {@code enabledRules} rules are switched on.
   */
  public static Severity forOpenAlerts(int openAlerts, int enabledRules) {
    if (openAlerts >= Math.max(2, Math.min(3, enabledRules))) {
      return HIGH;
    }
    return openAlerts == 2 ? MEDIUM : LOW;
  }

  /** The severity with this code. */
  public static Severity ofCode(String code) {
    for (Severity s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown severity '" + code + "'");
  }
}

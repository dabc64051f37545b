package coursepulse.lms.risk;

/**
 * How urgent an alert is. It grows with the number of rules open for the same student at the
 * moment the alert opens (this one included): one is {@code low}, two {@code medium}, three or
 * more {@code high}.
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

  /** The severity of an alert opening while {@code openRules} rules (itself included) are open. */
  public static Severity forOpenRules(int openRules) {
    if (openRules >= 3) {
      return HIGH;
    }
    return openRules == 2 ? MEDIUM : LOW;
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

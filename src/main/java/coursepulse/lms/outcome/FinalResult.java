package coursepulse.lms.outcome;

import java.util.Locale;

/** A student's final result in a course, as OULAD's {@code final_result} names it. */
public enum FinalResult {
  PASS("Pass", false),
  DISTINCTION("Distinction", false),
  FAIL("Fail", true),
  WITHDRAWN("Withdrawn", true);

  private final String label;
  private final boolean atRisk;

  FinalResult(String label, boolean atRisk) {
    this.label = label;
    this.atRisk = atRisk;
  }

  /** The value in an outcomes file and in OULAD: {@code Pass}, {@code Distinction}, … */
  public String label() {
    return label;
  }

  /** Whether an early alert should have caught this student: withdrawn or failed. */
  public boolean atRisk() {
    return atRisk;
  }

  /**
   * The result named by {@code text}, ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static FinalResult parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (FinalResult r : values()) {
      if (r.label.toLowerCase(Locale.ROOT).equals(t)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "final result '" + text + "' is not one of Pass, Distinction, Fail, Withdrawn");
  }
}

package coursepulse.lms.risk;

import java.util.Map;

/**
 * One readable terminal line per alert record, as operators of the original consumers saw them:
 * time, OPEN or RESOLVED, severity, rule, student id and course, and the evidence. It names the
 * student only by the opaque id, never by name or email, so it is safe to log at INFO.
 *
 * <pre>
 * 2026-01-12T12:00:00Z OPEN     medium LOGIN_INACTIVE   student=s000042 course=-      inactiveDays=7.00 thresholdDays=7.00 [3f9c0a1b2c3d4e5f]
 * </pre>
 */
public final class AlertFormatter {
  private AlertFormatter() {}

  /** The line for an alert, without a trailing newline. */
  public static String line(Alert alert) {
    StringBuilder s = new StringBuilder(160);
    s.append(alert.eventTime()).append(' ');
    pad(s, alert.type() == Alert.Type.OPENED ? "OPEN" : "RESOLVED", 9);
    pad(s, alert.severity().code(), 7);
    pad(s, alert.rule().name(), 17);
    pad(s, "student=" + alert.studentId(), 17);
    pad(s, "course=" + (alert.courseId() == null ? "-" : alert.courseId()), 14);
    for (Map.Entry<String, Object> e : alert.evidence().entrySet()) {
      if (e.getValue() != null) {
        s.append(e.getKey()).append('=').append(text(e.getValue())).append(' ');
      }
    }
    s.append('[').append(alert.alertId()).append(']');
    return s.toString();
  }

  private static String text(Object v) {
    return v instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(v);
  }

  private static void pad(StringBuilder s, String text, int width) {
    s.append(text);
    for (int i = text.length(); i < width; i++) {
      s.append(' ');
    }
    if (text.length() >= width) {
      s.append(' ');
    }
  }
}

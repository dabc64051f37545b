package coursepulse.lms.event;

import java.util.List;

/** The product's stream names, kept as users of the original queue-based system know them. */
public final class StreamNames {
  public static final String ENROLLMENT = "01-Enrollment";
  public static final String LOGIN = "02-Login";
  public static final String ACTIVITY = "03-Activity";
  public static final String ALERTS = "04-Alerts";

  /** Side output of the alerting application: risk scores per student-course (see RiskScore). */
  public static final String RISK = "05-Risk";

  /** The three input streams, in the order the producer and the processor list them. */
  public static final List<String> INPUTS = List.of(ENROLLMENT, LOGIN, ACTIVITY);

  /** Every stream {@code coursepulse streams --create} declares. */
  public static final List<String> ALL = List.of(ENROLLMENT, LOGIN, ACTIVITY, ALERTS);

  /** Where {@code ingest} dead-letters the HTTP events it refuses. */
  public static final String INGEST_DEAD_LETTERS = "ingest-dlq";

  private StreamNames() {}

  /**
   * Whether {@code stream} is one no application may write its alerts to: an input, a risk
   * stream, or an engine's dead letters, refusals, checkpoints or presence. Alerts written there
   * would be read back as malformed events or mistaken for the engine's own records.
   */
  public static boolean carriesNoAlerts(String stream) {
    return INPUTS.contains(stream)
        || RISK.equals(stream)
        || List.of("-dlq", "-refused", "-checkpoints", "-instances", "-risk").stream()
            .anyMatch(stream::endsWith);
  }

  /** The dead-letter stream of an application. */
  public static String deadLetters(String applicationId) {
    return applicationId + "-dlq";
  }

  /**
   * Where an application's rules send the events they refuse (not enrolled, wrong stream), apart
   * from the engine's {@link #deadLetters} of unreadable bytes.
   */
  public static String refused(String applicationId) {
    return applicationId + "-refused";
  }
}

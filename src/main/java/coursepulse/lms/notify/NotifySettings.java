package coursepulse.lms.notify;

import java.time.Duration;
import java.time.LocalTime;

/**
 * What the notifier does besides talking SMTP.
 *
 * @param baseUrl where instructors reach {@code coursepulse web}, e.g. {@code
 *     https://coursepulse.example.edu}; links go to {@code <baseUrl>/courses/<course>}
 * @param unsubscribeUrl the full URL of the unsubscribe endpoint the notifier serves
 * @param digestAt local time of day (in each instructor's time zone) from which the day's digest
 *     is due
 * @param perHour at most this many messages to one recipient in any hour; more wait
 * @param maxAttempts SMTP attempts per message for transient failures before giving up
 * @param backoff wait after the first transient failure; doubled after each next one (max 1 h)
 * @param poll how often to look for new alerts and due digests
 */
public record NotifySettings(
    String baseUrl,
    String unsubscribeUrl,
    LocalTime digestAt,
    int perHour,
    int maxAttempts,
    Duration backoff,
    Duration poll) {

  public NotifySettings {
    if (baseUrl == null || !baseUrl.matches("https?://\\S+")) {
      throw new IllegalArgumentException(
          "--base-url must be the http(s) address instructors open coursepulse web at, e.g."
              + " https://coursepulse.example.edu (got " + baseUrl + ")");
    }
    baseUrl = baseUrl.replaceAll("/+$", "");
    if (perHour < 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("--per-hour and --max-attempts must be at least 1");
    }
  }

  /** The delay before attempt {@code attempt + 1} after {@code attempt} transient failures. */
  Duration backoffAfter(int attempt) {
    Duration d = backoff.multipliedBy(1L << Math.min(20, Math.max(0, attempt - 1)));
    return d.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : d;
  }
}

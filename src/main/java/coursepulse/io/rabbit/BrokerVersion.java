package coursepulse.io.rabbit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A RabbitMQ version as the broker reports it in its peer properties ({@code 3.10.8}, {@code
 * 4.0.5}, {@code 3.13.0-rc.1}).
 *
 * @param major major version, 0 when the text could not be read
 * @param minor minor version
 * @param text the version text as reported
 */
public record BrokerVersion(int major, int minor, String text) {

  private static final Pattern LEADING = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** Reads a version; an unreadable or missing text gives 0.0 (treated as the oldest broker). */
  public static BrokerVersion parse(String text) {
    if (text == null) {
      return new BrokerVersion(0, 0, "unknown");
    }
    Matcher m = LEADING.matcher(text.trim());
    if (!m.find()) {
      return new BrokerVersion(0, 0, text);
    }
    return new BrokerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text);
  }

  /** Whether this version is {@code major.minor} or newer. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public String toString() {
    return text;
  }
}

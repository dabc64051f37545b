package coursepulse.engine.log;

import java.time.Duration;

/**
 * How long a stream keeps its data. Zero or {@code null} fields mean "no limit of that kind".
 *
 * @param maxAge oldest data to keep
 * @param maxLengthBytes largest size to keep
 */
public record Retention(Duration maxAge, long maxLengthBytes) {

  /** Keep everything: the default for the product's streams. */
  public static Retention unlimited() {
    return new Retention(null, 0);
  }
}

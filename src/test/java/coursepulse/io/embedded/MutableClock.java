package coursepulse.io.embedded;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, forwards or backwards. Thread-safe. */
public final class MutableClock extends Clock {

  private volatile long millis;

  public MutableClock(long epochMillis) {
    this.millis = epochMillis;
  }

  public void set(long epochMillis) {
    millis = epochMillis;
  }

  public void advance(Duration by) {
    millis += by.toMillis();
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests use UTC");
  }
}

package coursepulse.engine.log;

/**
 * Where a reader starts.
 *
 * <p>{@link #first()} the oldest retained message; {@link #last()} the start of the newest chunk;
 * {@link #next()} only messages appended after the reader starts; {@link #offset(long)} an absolute
 * offset; {@link #timestamp(long)} the first message stored at or after an epoch-millisecond time.
 */
public sealed interface OffsetSpec {

  static OffsetSpec first() {
    return First.INSTANCE;
  }

  static OffsetSpec last() {
    return Last.INSTANCE;
  }

  static OffsetSpec next() {
    return Next.INSTANCE;
  }

  static OffsetSpec offset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    return new Absolute(offset);
  }

  static OffsetSpec timestamp(long epochMillis) {
    return new Timestamp(epochMillis);
  }

  /**
   * Parses {@code first}, {@code last}, {@code next}, {@code offset:N} (or a bare number) and
   * {@code timestamp:ISO-8601} (or {@code timestamp:EPOCH_MILLIS}).
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  static OffsetSpec parse(String text) {
    String s = text.trim();
    switch (s) {
      case "first":
        return first();
      case "last":
        return last();
      case "next":
        return next();
      default:
        break;
    }
    try {
      if (s.startsWith("offset:")) {
        return offset(Long.parseLong(s.substring("offset:".length())));
      }
      if (s.startsWith("timestamp:")) {
        String t = s.substring("timestamp:".length());
        if (t.chars().allMatch(Character::isDigit)) {
          return timestamp(Long.parseLong(t));
        }
        return timestamp(java.time.Instant.parse(t).toEpochMilli());
      }
      if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
        return offset(Long.parseLong(s));
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "cannot read offset '"
            + text
            + "': use first, last, next, offset:N or timestamp:2026-09-15T00:00:00Z");
  }

  /** The oldest retained message. */
  enum First implements OffsetSpec {
    INSTANCE;

    @Override
    public String toString() {
      return "first";
    }
  }

  /** The start of the newest chunk. */
  enum Last implements OffsetSpec {
    INSTANCE;

    @Override
    public String toString() {
      return "last";
    }
  }

  /** Only messages appended from now on. */
  enum Next implements OffsetSpec {
    INSTANCE;

    @Override
    public String toString() {
      return "next";
    }
  }

  /** An absolute offset. */
  record Absolute(long offset) implements OffsetSpec {
    @Override
    public String toString() {
      return "offset:" + offset;
    }
  }

  /** The first message stored at or after an epoch-millisecond time. */
  record Timestamp(long epochMillis) implements OffsetSpec {
    @Override
    public String toString() {
      return "timestamp:" + java.time.Instant.ofEpochMilli(epochMillis);
    }
  }
}

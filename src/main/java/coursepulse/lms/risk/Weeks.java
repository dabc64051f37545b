package coursepulse.lms.risk;

/**
 * Tumbling calendar windows in UTC: days from midnight, weeks from Monday midnight (the day courses
 * start), numbered from the epoch. Pure arithmetic on event time.
 */
final class Weeks {
  static final long DAY_MS = 86_400_000L;
  static final long WEEK_MS = 7 * DAY_MS;

  /** 1970-01-05 was the first Monday after the epoch. */
  private static final long MONDAY_OFFSET_MS = 4 * DAY_MS;

  private Weeks() {}

  static int dayIndex(long timeMs) {
    return (int) Math.floorDiv(timeMs, DAY_MS);
  }

  static int weekIndex(long timeMs) {
    return (int) Math.floorDiv(timeMs - MONDAY_OFFSET_MS, WEEK_MS);
  }

  static long weekStart(int week) {
    return week * WEEK_MS + MONDAY_OFFSET_MS;
  }

  static long weekEnd(int week) {
    return weekStart(week + 1);
  }

  /** The first week that lies entirely at or after {@code timeMs}. */
  static int firstFullWeek(long timeMs) {
    int w = weekIndex(timeMs);
    return weekStart(w) == timeMs ? w : w + 1;
  }
}

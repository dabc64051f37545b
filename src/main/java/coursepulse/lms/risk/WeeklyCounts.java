package coursepulse.lms.risk;

/**
 * Counts per tumbling week for the current week and the {@code history} weeks before it, in a
 * ring of saturating shorts: enough for a trailing baseline and nothing more, so state per key
 * stays a few dozen bytes.
 */
final class WeeklyCounts {
  private int week; // week index of slot 0; Integer.MIN_VALUE when empty
  private final short[] counts;

  WeeklyCounts(int history) {
    this.week = Integer.MIN_VALUE;
    this.counts = new short[history + 1];
  }

  WeeklyCounts(int week, short[] counts) {
    this.week = week;
    this.counts = counts;
  }

  int latestWeek() {
    return week;
  }

  short[] raw() {
    return counts;
  }

  int capacity() {
    return counts.length;
  }

  /** Adds one to the week of {@code timeMs}; events older than the ring are dropped. */
  void increment(long timeMs) {
    int w = Weeks.weekIndex(timeMs);
    advanceTo(w);
    int slot = week - w;
    if (slot < counts.length && counts[slot] < Short.MAX_VALUE) {
      counts[slot]++;
    }
  }

  /** Moves the ring so that {@code w} is representable; never moves backwards. */
  void advanceTo(int w) {
    if (week == Integer.MIN_VALUE) {
      week = w;
      return;
    }
    if (w <= week) {
      return;
    }
    int shift = w - week;
    if (shift >= counts.length) {
      java.util.Arrays.fill(counts, (short) 0);
    } else {
      System.arraycopy(counts, 0, counts, shift, counts.length - shift);
      java.util.Arrays.fill(counts, 0, shift, (short) 0);
    }
    week = w;
  }

  /** The count of week {@code w}; 0 for weeks never seen; -1 when {@code w} left the ring. */
  int count(int w) {
    if (week == Integer.MIN_VALUE || w > week) {
      return 0;
    }
    int slot = week - w;
    return slot < counts.length ? counts[slot] : -1;
  }
}

package coursepulse.lms.risk;

import java.util.Arrays;

/**
 * Signal state of one student in one course, held by the roster's {@link EnrollmentState}: daily
 * activity (clicks per day) in a ring of the last {@link #DAYS} days, deadlines judged, grades per
 * assignment and the last score sent to {@code 05-Risk}, and the states of the cohort-aware rules,
 * each in its {@link StateSlot}. Primitive arrays only: one of these exists per enrolment and is
 * written back per event.
 */
final class StudentCourse extends Slotted {
  /** Days of activity kept: enough for the 7/14/28-day windows. */
  static final int DAYS = 28;

  static final int NO_DAY = Integer.MIN_VALUE;

  /** Day index (UTC days since the epoch) of ring slot 0; {@link #NO_DAY} when empty. */
  int ringDay = NO_DAY;
  /** Clicks (saturating) per day; slot i is day {@code ringDay - i}; > 0 means active. */
  final short[] clicks;
  int lastActiveDay = NO_DAY;

  /** Assignments (by index) whose deadline was judged, and the outcome counts. */
  long judgedBits;
  /** Assignments (by index) submitted at any time, early ones included. */
  long submittedBits;
  int onTime;
  int late;
  int missed;

  /** Score in per mille of the points possible per assignment index, -1 when not graded. */
  short[] grades = new short[0];

  /** Last score sent to 05-Risk in 1/10,000, -1 for none, and its day. */
  int lastScoreE4 = -1;
  int lastScoreDay = NO_DAY;

  // Assignments handed in when the class was last ranked, at the end of the course day whose last
  // UTC day is rankedDay (NO_DAY: not ranked yet). A grade between course days counts these, not
  // the day's own submissions, which the class's figures do not show yet: on a deadline day the
  // whole class hands in (CourseSignals.gradedBetweenDays).
  int rankedDay = NO_DAY;
  byte rankedSubmitted;

  StudentCourse() {
    this.clicks = new short[DAYS];
  }

  /** Adds activity on {@code day}; returns whether it is the first activity of that day. */
  boolean recordActivity(int day, int clickCount) {
    advanceTo(day);
    int slot = ringDay - day;
    if (slot < 0 || slot >= DAYS) {
      return false; // older than the ring: too late to count
    }
    boolean first = clicks[slot] == 0;
    clicks[slot] = (short) Math.min(Short.MAX_VALUE, clicks[slot] + Math.max(1, clickCount));
    lastActiveDay = Math.max(lastActiveDay, day);
    return first;
  }

  void advanceTo(int day) {
    if (ringDay == NO_DAY) {
      ringDay = day;
      return;
    }
    int shift = day - ringDay;
    if (shift <= 0) {
      return;
    }
    if (shift >= DAYS) {
      Arrays.fill(clicks, (short) 0);
    } else {
      System.arraycopy(clicks, 0, clicks, shift, DAYS - shift);
      Arrays.fill(clicks, 0, shift, (short) 0);
    }
    ringDay = day;
  }

  /** Days with activity among the {@code n} days ending with {@code lastDay} (inclusive). */
  int activeDays(int lastDay, int n) {
    if (ringDay == NO_DAY) {
      return 0;
    }
    int count = 0;
    for (int d = lastDay - n + 1; d <= lastDay; d++) {
      int slot = ringDay - d;
      if (slot >= 0 && slot < DAYS && clicks[slot] > 0) {
        count++;
      }
    }
    return count;
  }

  /** Clicks (submissions count one) in the {@code n} days ending with {@code lastDay}. */
  int clicks(int lastDay, int n) {
    int sum = 0;
    for (int d = lastDay - n + 1; d <= lastDay && ringDay != NO_DAY; d++) {
      int slot = ringDay - d;
      if (slot >= 0 && slot < DAYS) {
        sum += clicks[slot];
      }
    }
    return sum;
  }

  void grade(int index, int permille) {
    if (index >= grades.length) {
      short[] g = Arrays.copyOf(grades, index + 1);
      Arrays.fill(g, grades.length, g.length, (short) -1);
      grades = g;
    }
    grades[index] = (short) permille;
  }

  /** Keeps the count of assignments handed in as the class is ranked at a course day's end. */
  void ranked(int lastDay, int submitted) {
    rankedDay = lastDay;
    rankedSubmitted = (byte) submitted;
  }

  /**
   * Assignments handed in as the class was ranked at the end of the course day whose last UTC day
   * is {@code lastDay}, or -1 if the student was not ranked then.
   */
  int submittedAsRanked(int lastDay) {
    return rankedDay == lastDay && lastDay != NO_DAY ? rankedSubmitted : -1;
  }

  int due() {
    return onTime + late + missed;
  }
}

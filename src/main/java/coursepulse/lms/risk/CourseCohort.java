package coursepulse.lms.risk;

import java.util.Arrays;

/**
 * What the cohort of one course did: per day of the last {@link StudentCourse#DAYS} days, how
 * many enrolled students were active in the course. A few hundred bytes per course.
 */
final class CourseCohort {
  long courseStart;
  long courseEnd;
  int ringDay = StudentCourse.NO_DAY;
  final int[] active;

  CourseCohort(long courseStart, long courseEnd) {
    this(courseStart, courseEnd, new int[StudentCourse.DAYS]);
  }

  CourseCohort(long courseStart, long courseEnd, int[] active) {
    this.courseStart = courseStart;
    this.courseEnd = courseEnd;
    this.active = active;
  }

  void countActive(int day) {
    advanceTo(day);
    int slot = ringDay - day;
    if (slot >= 0 && slot < active.length) {
      active[slot]++;
    }
  }

  void advanceTo(int day) {
    if (ringDay == StudentCourse.NO_DAY) {
      ringDay = day;
      return;
    }
    int shift = day - ringDay;
    if (shift <= 0) {
      return;
    }
    if (shift >= active.length) {
      Arrays.fill(active, 0);
    } else {
      System.arraycopy(active, 0, active, shift, active.length - shift);
      Arrays.fill(active, 0, shift, 0);
    }
    ringDay = day;
  }

  /** Student-days of activity in the {@code n} days ending with {@code lastDay}. */
  long activeStudentDays(int lastDay, int n) {
    long sum = 0;
    for (int d = lastDay - n + 1; d <= lastDay; d++) {
      int slot = ringDay - d;
      if (ringDay != StudentCourse.NO_DAY && slot >= 0 && slot < active.length) {
        sum += active[slot];
      }
    }
    return sum;
  }

  /** Whole days from the course start to {@code timeMs}. */
  int courseDay(long timeMs) {
    return (int) Math.floorDiv(timeMs - courseStart, Weeks.DAY_MS);
  }
}

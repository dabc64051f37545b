package coursepulse.lms.risk;

/**
 * Per-student state: login history, the student's courses and open-alert count, and the states of
 * the rules acting on the student as a whole, each in its {@link StateSlot}. Mutable; owned by the
 * processor's task thread and written back to its store after every change.
 */
final class StudentState extends Slotted {
  static final long NONE = -1L;

  long lastLoginMs = NONE;
  int loginDay = Integer.MIN_VALUE;
  int dayLogins;
  /** Days with at least one login, per week. */
  final WeeklyCounts weeklyLogins;
  /**
   * Courses of this student's enrolments in the roster (active or dropped), sorted: the
   * enrolment store is reached by point lookups, never by a scan.
   */
  String[] courses = new String[0];
  int activeEnrollments;
  /** Alerts open for this student across all rules and courses: drives severity. */
  int openAlerts;
  /**
   * The ids of the student's latest events, to drop re-sent ones: kept here, they exist only for
   * enrolled students and go with them. {@code null} only in a state read from a checkpoint
   * written before they moved here, until the processor takes them over from their former store.
   */
  RecentEventIds recentIds;

  StudentState(int weeksKept) {
    this.weeklyLogins = new WeeklyCounts(weeksKept);
    this.recentIds = new RecentEventIds();
  }

  /** A state read from storage; its {@link #recentIds} are set by the reader. */
  StudentState(WeeklyCounts weeklyLogins) {
    this.weeklyLogins = weeklyLogins;
  }

  int enrollments() {
    return courses.length;
  }

  void addCourse(String course) {
    int i = java.util.Arrays.binarySearch(courses, course);
    if (i < 0) {
      int at = -i - 1;
      String[] c = new String[courses.length + 1];
      System.arraycopy(courses, 0, c, 0, at);
      c[at] = canonicalCourse(course);
      System.arraycopy(courses, at, c, at + 1, courses.length - at);
      courses = c;
    }
  }

  /**
   * The one instance of a course id that every student's list holds: a course has hundreds of
   * students and each decoded event brings its own copy of the id (about 56 bytes), while the
   * number of distinct course ids is that of the courses.
   */
  static String canonicalCourse(String course) {
    return course.intern();
  }

  void removeCourse(String course) {
    int i = java.util.Arrays.binarySearch(courses, course);
    if (i >= 0) {
      String[] c = new String[courses.length - 1];
      System.arraycopy(courses, 0, c, 0, i);
      System.arraycopy(courses, i + 1, c, i, courses.length - i - 1);
      courses = c;
    }
  }

  void recordLogin(long timeMs) {
    lastLoginMs = Math.max(lastLoginMs, timeMs);
    int day = Weeks.dayIndex(timeMs);
    if (day > loginDay) {
      loginDay = day;
      dayLogins = 0;
      // Weekly counts are login days: a day with five logins is one day present.
      weeklyLogins.increment(timeMs);
    }
    if (day == loginDay) {
      dayLogins++;
    }
  }

  /** Logins in the day of {@code timeMs}, if that is the latest day seen. */
  int loginsOnDay(long timeMs) {
    return Weeks.dayIndex(timeMs) == loginDay ? dayLogins : 0;
  }
}

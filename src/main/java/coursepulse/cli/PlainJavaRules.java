package coursepulse.cli;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.RulesConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Bench-only baseline {@code plain-java-rules}: the four alerting rules (LOGIN_INACTIVE,
 * NO_SUBMISSIONS, MISSED_DEADLINES, ACTIVITY_DROP on weekly login days) written by hand on {@link
 * HashMap}s of plain objects, a {@link PriorityQueue} of timers drained on an hourly stream-time
 * tick, and a per-key ring of recent event ids, with no engine, no stores, no serialization and no
 * output. It is the physical limit for this work on this machine: what the product's engine and
 * application are measured against in {@code bench}. Not the product; not used outside {@code
 * bench}. It opens and resolves alerts with the thresholds of {@link RulesConfig#DEFAULTS} and
 * counts them; details the product adds (evidence maps, dead letters, the alert encoding) are left
 * out on purpose.
 */
final class PlainJavaRules {

  /**
   * The product's rules configuration with exactly the rules this baseline implements switched on
   * (the product's defaults now alert with others): what the {@code processor-same-rules} row runs.
   */
  static final RulesConfig SAME_RULES =
      RulesConfig.DEFAULTS.withOnly(
          Rule.LOGIN_INACTIVE, Rule.NO_SUBMISSIONS, Rule.MISSED_DEADLINES, Rule.ACTIVITY_DROP);

  private static final long DAY_MS = 86_400_000L;
  private static final long WEEK_MS = 7 * DAY_MS;
  private static final long MONDAY_OFFSET_MS = 4 * DAY_MS;
  private static final long HOUR_MS = 3_600_000L;
  private static final long NONE = Long.MIN_VALUE;
  private static final int RECENT_IDS = 64;

  private final long loginMs;
  private final long noSubMs;
  private final long graceMs;
  private final long cooldownMs;
  private final int missedK;
  private final int baselineWeeks;
  private final double dropRatio;
  private final double minBaseline;

  private final Map<String, Student> students = new HashMap<>();
  private final Map<String, Course> courses = new HashMap<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long timerSeq;
  private long streamTime = NONE;
  private long nextTick = NONE;
  private long alerts;
  private long duplicates;

  PlainJavaRules(RulesConfig rules) {
    loginMs = days(rules.loginInactive().days());
    noSubMs = days(rules.noSubmissions().days());
    graceMs = Math.round(rules.missedDeadlines().graceHours() * HOUR_MS);
    cooldownMs = days(rules.cooldownDays());
    missedK = rules.missedDeadlines().consecutive();
    baselineWeeks = rules.activityDrop().baselineWeeks();
    dropRatio = rules.activityDrop().ratio();
    minBaseline = rules.activityDrop().minBaseline();
  }

  /** Alerts opened or resolved so far. */
  long alerts() {
    return alerts;
  }

  /** The student-courses it holds: enrolments not yet removed at their course's end. */
  long studentCourses() {
    long n = 0;
    for (Student st : students.values()) {
      n += st.enrollments.size();
    }
    return n;
  }

  /** Events dropped as re-sent copies. */
  long duplicates() {
    return duplicates;
  }

  void accept(LmsEvent event) {
    long t = event.occurredAt().toEpochMilli();
    if (streamTime == NONE || t > streamTime) {
      streamTime = t;
      if (nextTick == NONE) {
        nextTick = Math.floorDiv(t, HOUR_MS) * HOUR_MS + HOUR_MS;
      }
      if (t >= nextTick) {
        fireTimers(t);
        nextTick = Math.floorDiv(t, HOUR_MS) * HOUR_MS + HOUR_MS;
      }
    }
    if (event instanceof AssignmentCreated e) {
      Course c = courses.computeIfAbsent(e.courseId(), k -> new Course());
      if (c.recent.seenBefore(e.eventId())) {
        duplicates++;
      } else {
        onAssignment(e.courseId(), c, e);
      }
      return;
    }
    String key = event.key();
    Student st = students.get(key);
    if (event instanceof EnrollmentCreated e) {
      if (st == null) {
        st = new Student(key);
        students.put(key, st);
      }
      if (!st.recent.seenBefore(e.eventId())) {
        onEnrollment(st, e, t);
      }
      return;
    }
    if (st == null || st.recent.seenBefore(event.eventId())) {
      return; // not enrolled (the product dead-letters it) or a duplicate
    }
    if (event instanceof LoggedIn) {
      onLogin(st, t);
    } else if (event instanceof SubmissionCreated e) {
      Enrollment en = st.enrollments.get(e.courseId());
      if (en != null && en.droppedAt == NONE) {
        onSubmission(en, e, t);
      }
    } else if (event instanceof AssetAccessed e) {
      Enrollment en = st.enrollments.get(e.courseId());
      if (en != null && en.droppedAt == NONE) {
        en.lastActivity = Math.max(en.lastActivity, t);
      }
    } else if (event instanceof EnrollmentDropped e) {
      Enrollment en = st.enrollments.get(e.courseId());
      if (en != null && en.droppedAt == NONE) {
        en.droppedAt = t;
        st.active--;
        alerts += en.openCount();
        en.noSubOpen = en.missedOpen = false;
        if (st.active == 0 && (st.loginOpen || st.dropOpen)) {
          alerts++;
          st.loginOpen = st.dropOpen = false;
        }
      }
    }
  }

  private void onEnrollment(Student st, EnrollmentCreated e, long t) {
    if (e.role() != null && !e.role().toLowerCase(java.util.Locale.ROOT).contains("student")) {
      return;
    }
    long activeFrom = Math.max(t, e.courseStart().toEpochMilli());
    long courseEnd = e.courseEnd().toEpochMilli();
    if (courseEnd <= activeFrom) {
      return;
    }
    Course c = courses.computeIfAbsent(e.courseId(), k -> new Course());
    Enrollment en = st.enrollments.get(e.courseId());
    if (en == null) {
      en = new Enrollment(st, e.courseId());
      st.enrollments.put(e.courseId(), en);
      c.members.put(st.id, en);
    } else if (en.droppedAt == NONE) {
      en.courseEnd = courseEnd;
      schedule(courseEnd, Kind.COURSE_END, null, c, en);
      return;
    }
    en.activeFrom = activeFrom;
    en.courseEnd = courseEnd;
    en.droppedAt = NONE;
    en.consecutiveMissed = 0;
    st.active++;
    schedule(activeFrom + noSubMs, Kind.NO_SUBMISSIONS, st, c, en);
    if (st.weekTimerAt == NONE) {
      st.weekTimerAt = weekEnd(weekIndex(activeFrom));
      schedule(st.weekTimerAt, Kind.WEEK_LOGINS, st, null, null);
    }
    schedule(courseEnd, Kind.COURSE_END, null, c, en);
    rescheduleLogin(st);
  }

  private void onLogin(Student st, long t) {
    if (st.active == 0) {
      return;
    }
    int day = (int) Math.floorDiv(t, DAY_MS);
    if (day != st.lastLoginDay) {
      st.lastLoginDay = day;
      st.weeklyLogins.increment(weekIndex(t));
    }
    st.lastLogin = Math.max(st.lastLogin, t);
    if (st.loginOpen) {
      st.loginOpen = false;
      st.loginResolvedAt = t;
      alerts++;
    }
    if (st.dropOpen
        && st.weeklyLogins.count(weekIndex(t)) * 100L >= dropRatio * st.dropBaselineX100) {
      st.dropOpen = false;
      st.dropResolvedAt = t;
      alerts++;
    }
    rescheduleLogin(st);
  }

  private void rescheduleLogin(Student st) {
    long start = Long.MAX_VALUE;
    for (Enrollment en : st.enrollments.values()) {
      if (en.droppedAt == NONE) {
        start = Math.min(start, en.activeFrom);
      }
    }
    if (start == Long.MAX_VALUE || st.loginOpen) {
      st.loginTimerAt = NONE;
      return;
    }
    long due = Math.max(st.lastLogin, start) + loginMs;
    if (st.loginResolvedAt != NONE) {
      due = Math.max(due, st.loginResolvedAt + cooldownMs);
    }
    if (due != st.loginTimerAt) {
      st.loginTimerAt = due;
      schedule(due, Kind.LOGIN, st, null, null);
    }
  }

  private void onSubmission(Enrollment en, SubmissionCreated e, long t) {
    en.lastSubmission = Math.max(en.lastSubmission, t);
    en.lastActivity = Math.max(en.lastActivity, t);
    Course c = courses.get(e.courseId());
    int index = c == null ? -1 : c.assignmentIds.indexOf(e.assignmentId());
    if (index >= 0 && index < 64 && t <= c.dues.get(index) + graceMs) {
      en.submittedByGrace |= 1L << index;
    }
    en.consecutiveMissed = 0;
    if (en.noSubOpen) {
      en.noSubOpen = false;
      en.noSubResolvedAt = t;
      alerts++;
    }
    if (en.missedOpen) {
      en.missedOpen = false;
      en.missedResolvedAt = t;
      alerts++;
    }
    schedule(t + noSubMs, Kind.NO_SUBMISSIONS, en.student, c, en);
  }

  private void onAssignment(String courseId, Course c, AssignmentCreated e) {
    if (c.assignmentIds.contains(e.assignmentId())) {
      return;
    }
    c.assignmentIds.add(e.assignmentId());
    long due = e.dueAt().toEpochMilli();
    c.dues.add(due);
    Timer timer = schedule(due + graceMs, Kind.DEADLINE, null, c, null);
    timer.index = c.assignmentIds.size() - 1;
  }

  private void fireTimers(long now) {
    while (!timers.isEmpty() && timers.peek().due <= now) {
      Timer timer = timers.poll();
      switch (timer.kind) {
        case LOGIN -> onLoginTimer(timer);
        case NO_SUBMISSIONS -> checkNoSubmissions(timer.course, timer.enrollment, now);
        case DEADLINE -> onDeadline(timer, now);
        case WEEK_LOGINS -> onWeekEnd(timer);
        case COURSE_END -> onCourseEnd(timer);
      }
    }
  }

  private void onLoginTimer(Timer timer) {
    Student st = timer.student;
    if (st.loginTimerAt != timer.due || st.active == 0 || st.loginOpen) {
      return; // moved by a later login, or nothing to watch
    }
    st.loginTimerAt = NONE;
    st.loginOpen = true;
    alerts++;
  }

  private void checkNoSubmissions(Course c, Enrollment en, long now) {
    if (c == null || en.droppedAt != NONE || en.noSubOpen || en.removed) {
      return;
    }
    long since = Math.max(en.lastSubmission, en.activeFrom);
    if (since + noSubMs > now) {
      return; // a later submission scheduled a later check
    }
    for (int i = 0; i < c.dues.size(); i++) {
      long d = c.dues.get(i);
      boolean handedIn = i < 64 && (en.submittedByGrace & (1L << i)) != 0;
      if (d > since && d + graceMs <= now && !handedIn) {
        if (en.noSubResolvedAt == NONE || now >= en.noSubResolvedAt + cooldownMs) {
          en.noSubOpen = true;
          alerts++;
        }
        return;
      }
    }
  }

  private void onDeadline(Timer timer, long now) {
    Course c = timer.course;
    long deadline = timer.due;
    for (Enrollment en : c.members.values()) {
      if (en.droppedAt != NONE || deadline < en.activeFrom || deadline >= en.courseEnd) {
        continue;
      }
      boolean handedIn = timer.index < 64 && (en.submittedByGrace & (1L << timer.index)) != 0;
      if (!handedIn) {
        en.consecutiveMissed++;
        boolean cooled =
            en.missedResolvedAt == NONE || deadline >= en.missedResolvedAt + cooldownMs;
        if (en.consecutiveMissed >= missedK && !en.missedOpen && cooled) {
          en.missedOpen = true;
          alerts++;
        }
      }
      checkNoSubmissions(c, en, now);
    }
  }

  private void onWeekEnd(Timer timer) {
    Student st = timer.student;
    if (st.active == 0) {
      st.weekTimerAt = NONE;
      return;
    }
    int week = weekIndex(timer.due) - 1;
    long from = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Enrollment en : st.enrollments.values()) {
      if (en.droppedAt == NONE) {
        from = Math.min(from, en.activeFrom);
        end = Math.max(end, en.courseEnd);
      }
    }
    int firstFull = weekStart(weekIndex(from)) == from ? weekIndex(from) : weekIndex(from) + 1;
    if (!st.dropOpen && week - baselineWeeks >= firstFull && weekEnd(week) <= end) {
      long sum = 0;
      for (int w = week - baselineWeeks; w < week; w++) {
        sum += st.weeklyLogins.count(w);
      }
      double baseline = (double) sum / baselineWeeks;
      int current = st.weeklyLogins.count(week);
      long at = weekEnd(week);
      boolean cooled = st.dropResolvedAt == NONE || at >= st.dropResolvedAt + cooldownMs;
      if (baseline >= minBaseline && current < dropRatio * baseline && cooled) {
        st.dropOpen = true;
        st.dropBaselineX100 = (int) Math.round(baseline * 100);
        alerts++;
      }
    }
    long next = weekEnd(week + 1);
    st.weekTimerAt = next <= end ? next : NONE;
    if (st.weekTimerAt != NONE) {
      schedule(next, Kind.WEEK_LOGINS, st, null, null);
    }
  }

  private void onCourseEnd(Timer timer) {
    Enrollment en = timer.enrollment;
    if (en.removed || en.courseEnd != timer.due) {
      return; // ends at another time, with its own timer
    }
    Student st = en.student;
    alerts += en.openCount();
    en.removed = true;
    st.enrollments.remove(en.course);
    timer.course.members.remove(st.id);
    if (en.droppedAt == NONE) {
      st.active--;
      if (st.active == 0 && (st.loginOpen || st.dropOpen)) {
        alerts++;
        st.loginOpen = st.dropOpen = false;
      }
    }
    if (st.enrollments.isEmpty()) {
      students.remove(st.id);
    } else {
      rescheduleLogin(st);
    }
  }

  private Timer schedule(long due, Kind kind, Student st, Course c, Enrollment en) {
    Timer timer = new Timer(due, timerSeq++, kind, st == null && en != null ? en.student : st, c, en);
    timers.add(timer);
    return timer;
  }

  private static long days(double days) {
    return Math.round(days * DAY_MS);
  }

  private static int weekIndex(long t) {
    return (int) Math.floorDiv(t - MONDAY_OFFSET_MS, WEEK_MS);
  }

  private static long weekStart(int week) {
    return week * WEEK_MS + MONDAY_OFFSET_MS;
  }

  private static long weekEnd(int week) {
    return weekStart(week + 1);
  }

  private enum Kind {
    LOGIN,
    NO_SUBMISSIONS,
    DEADLINE,
    WEEK_LOGINS,
    COURSE_END
  }

  private static final class Timer implements Comparable<Timer> {
    final long due;
    final long seq;
    final Kind kind;
    final Student student;
    final Course course;
    final Enrollment enrollment;
    int index;

    Timer(long due, long seq, Kind kind, Student student, Course course, Enrollment enrollment) {
      this.due = due;
      this.seq = seq;
      this.kind = kind;
      this.student = student;
      this.course = course;
      this.enrollment = enrollment;
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** The last {@value #RECENT_IDS} event ids of a key, as 64-bit hashes in a ring. */
  private static final class RecentIds {
    private final long[] hashes = new long[RECENT_IDS];
    private int next;
    private int size;

    boolean seenBefore(String eventId) {
      long h = eventId.hashCode() * 0x9E3779B97F4A7C15L + eventId.length();
      for (int i = 0; i < size; i++) {
        if (hashes[i] == h) {
          return true;
        }
      }
      hashes[next] = h;
      next = (next + 1) % RECENT_IDS;
      size = Math.min(size + 1, RECENT_IDS);
      return false;
    }
  }

  /** Counts per week in a ring of the last few weeks. */
  private static final class Weekly {
    private final int[] weeks = new int[5];
    private final int[] counts = new int[5];

    void increment(int week) {
      int slot = Math.floorMod(week, weeks.length);
      if (weeks[slot] != week) {
        weeks[slot] = week;
        counts[slot] = 0;
      }
      counts[slot]++;
    }

    int count(int week) {
      int slot = Math.floorMod(week, weeks.length);
      return weeks[slot] == week ? counts[slot] : 0;
    }
  }

  private static final class Student {
    final String id;
    final Map<String, Enrollment> enrollments = new LinkedHashMap<>(4);
    final RecentIds recent = new RecentIds();
    final Weekly weeklyLogins = new Weekly();
    int active;
    int lastLoginDay = Integer.MIN_VALUE;
    long lastLogin = NONE;
    long loginTimerAt = NONE;
    long loginResolvedAt = NONE;
    long weekTimerAt = NONE;
    long dropResolvedAt = NONE;
    int dropBaselineX100;
    boolean loginOpen;
    boolean dropOpen;

    Student(String id) {
      this.id = id;
    }
  }

  private static final class Enrollment {
    final Student student;
    final String course;
    long activeFrom;
    long courseEnd;
    long droppedAt = NONE;
    long lastSubmission = NONE;
    long lastActivity = NONE;
    long submittedByGrace;
    int consecutiveMissed;
    long noSubResolvedAt = NONE;
    long missedResolvedAt = NONE;
    boolean noSubOpen;
    boolean missedOpen;
    boolean removed;

    Enrollment(Student student, String course) {
      this.student = student;
      this.course = course;
    }

    int openCount() {
      return (noSubOpen ? 1 : 0) + (missedOpen ? 1 : 0);
    }
  }

  private static final class Course {
    final List<String> assignmentIds = new ArrayList<>();
    final List<Long> dues = new ArrayList<>();
    final Map<String, Enrollment> members = new LinkedHashMap<>();
    final RecentIds recent = new RecentIds();
  }
}

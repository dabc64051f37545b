package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a timer ({@link TimerKeys.Timer}) comes due: a rule's pending
 * check of a student or student-course, an assignment's deadline, the end of a course week or of
 * a student's login week, a course day (the signals and the cohort-aware rules), and the end of a
 * course, which closes its enrolments and removes their state. {@link RiskProcessor} handles the
 * events and calls {@link #fireDueTimers} on its stream-time punctuation.
 *
 * <p>Timers fire in due-time order (ties: {@link TimerKeys#ORDER}), every iteration follows store
 * key order and every decision event time, so the same input fires the same timers in the same
 * order.
 */
final class RosterTimers {

  private static final Logger LOG = LoggerFactory.getLogger(RosterTimers.class);

  private final KeyValueStore<String, StudentState> students;
  private final KeyValueStore<String, EnrollmentState> enrollments;
  private final Timers timers;
  private final Roster roster;
  private final RosterContext rosterCtx;
  private final RosterAlerts rosterAlerts;
  private final CourseSignals signals;
  private final long graceMs;
  private final java.util.function.BiConsumer<String, StudentState> studentRemoved;

  /**
   * @param studentRemoved called with the student and their last state when a course end removes
   *     the student's last enrolment (and the state): the processor counts the students it tracks
   *     and drops what it kept of them elsewhere ({@link StudentEventIds#removed})
   */
  RosterTimers(
      KeyValueStore<String, StudentState> students,
      KeyValueStore<String, EnrollmentState> enrollments,
      Timers timers,
      Roster roster,
      RosterContext rosterCtx,
      RosterAlerts rosterAlerts,
      CourseSignals signals,
      long graceMs,
      java.util.function.BiConsumer<String, StudentState> studentRemoved) {
    this.students = students;
    this.enrollments = enrollments;
    this.timers = timers;
    this.roster = roster;
    this.rosterCtx = rosterCtx;
    this.rosterAlerts = rosterAlerts;
    this.signals = signals;
    this.graceMs = graceMs;
    this.studentRemoved = studentRemoved;
  }

  /** Fires every timer due by stream time {@code now}: the processor's punctuation. */
  void fireDueTimers(long now) {
    // Firing may schedule timers that are already due (a long jump in stream time): drain them
    // too, in rounds, so the outcome does not depend on how time advanced.
    for (int round = 0; round < 1_000; round++) {
      List<TimerKeys.Timer> due = timers.dueBy(now);
      if (due.isEmpty()) {
        return;
      }
      for (TimerKeys.Timer timer : due) {
        timers.cancel(timer);
        fire(timer, now);
      }
    }
  }

  private void fire(TimerKeys.Timer timer, long now) {
    switch (timer.kind()) {
      case TimerKeys.LOGIN:
      case TimerKeys.NO_SUBMISSIONS:
        onRuleTimer(timer, now);
        break;
      case TimerKeys.DEADLINE:
        onDeadline(timer, now);
        break;
      case TimerKeys.WEEK:
        onWeekEnd(timer, now);
        break;
      case TimerKeys.WEEK_LOGINS:
        onLoginWeekEnd(timer, now);
        break;
      case TimerKeys.COURSE_END:
        onCourseEnd(timer, now);
        break;
      case TimerKeys.COURSE_DAY:
        long next = signals.dayEnded(timer.a(), timer.due());
        if (next >= 0) {
          timers.schedule(next, TimerKeys.COURSE_DAY, timer.a(), null);
        }
        break;
      default:
        LOG.warn("Unknown timer kind {} ignored", timer.kind());
    }
  }

  /**
   * A timer a rule set for its pending check, keyed by student ({@code b} null) or student-course:
   * the rules decide whether it is theirs and still current.
   */
  private void onRuleTimer(TimerKeys.Timer timer, long now) {
    String student = timer.a();
    String course = timer.b();
    String key = course == null ? null : Roster.key(student, course);
    EnrollmentState en = key == null ? null : enrollments.get(key);
    if (key != null && en == null) {
      return; // the enrolment was removed with its course
    }
    StudentState st = students.get(student);
    if (st == null) {
      return; // the student left
    }
    boolean changed = false;
    for (RiskRule r : RiskRule.ALL) {
      changed |= r.onTimer(rosterCtx, student, course, st, en, timer, now);
    }
    if (changed) {
      if (en != null) {
        enrollments.put(key, en);
      }
      students.put(student, st);
    }
  }

  private void onDeadline(TimerKeys.Timer timer, long now) {
    String course = timer.a();
    int index = Integer.parseInt(timer.b());
    CourseAssignments ca = roster.assignments(course);
    if (index >= ca.size()) {
      return;
    }
    long due = ca.due(index);
    long deadline = due + graceMs;
    RiskRule.Deadline d = new RiskRule.Deadline(index, ca.id(index), due, now);
    for (Roster.Member m : roster.members(course)) {
      String student = m.student();
      EnrollmentState en = m.enrollment();
      if (!en.activeAt(deadline)) {
        continue;
      }
      StudentState st = students.get(student);
      for (RiskRule r : RiskRule.ALL) {
        r.onDeadline(rosterCtx, student, course, st, en, d);
      }
      for (RiskRule r : RiskRule.ALL) {
        r.afterDeadline(rosterCtx, student, course, st, en, now);
      }
      enrollments.put(m.key(), en);
      students.put(student, st);
    }
  }

  /** End of a week for a course: the rules on each active enrolment, then the next week's timer. */
  private void onWeekEnd(TimerKeys.Timer timer, long now) {
    String course = timer.a();
    int week = Weeks.weekIndex(timer.due()) - 1;
    long next = Weeks.weekEnd(week + 1);
    boolean more = false;
    for (Roster.Member m : roster.members(course)) {
      String student = m.student();
      EnrollmentState en = m.enrollment();
      if (en.dropped()) {
        continue;
      }
      more |= next <= en.courseEnd;
      StudentState st = students.get(student);
      boolean changed = false;
      for (RiskRule r : RiskRule.ALL) {
        changed |= r.onCourseWeekEnd(rosterCtx, student, course, st, en, week);
      }
      if (changed) {
        enrollments.put(m.key(), en);
        students.put(student, st);
      }
    }
    if (more) {
      timers.schedule(next, TimerKeys.WEEK, course, null);
    }
  }

  private void onLoginWeekEnd(TimerKeys.Timer timer, long now) {
    StudentState st = students.get(timer.a());
    if (st == null || st.activeEnrollments == 0) {
      return;
    }
    int week = Weeks.weekIndex(timer.due()) - 1;
    long from = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (EnrollmentState en : roster.enrollments(timer.a(), st)) {
      if (!en.dropped()) {
        from = Math.min(from, en.activeFrom);
        end = Math.max(end, en.courseEnd);
      }
    }
    for (RiskRule r : RiskRule.ALL) {
      r.onStudentWeekEnd(rosterCtx, timer.a(), st, week, from, end);
    }
    long next = Weeks.weekEnd(week + 1);
    if (next <= end && ActivityDropRule.watchesLogins(rosterCtx.rules())) {
      timers.schedule(next, TimerKeys.WEEK_LOGINS, timer.a(), null);
    }
    students.put(timer.a(), st);
  }

  /** A course ended: close the alerts and remove the state of its enrolments that end now. */
  private void onCourseEnd(TimerKeys.Timer timer, long now) {
    String course = timer.a();
    long at = timer.due();
    for (Roster.Member m : roster.members(course)) {
      String student = m.student();
      String key = m.key();
      EnrollmentState en = m.enrollment();
      if (en.courseEnd != at) {
        continue; // ends at another time, with its own timer
      }
      signals.ended(student, course, key, en, at, "course_ended");
      StudentState st = students.get(student);
      rosterAlerts.resolveAll(student, course, st, en, at, "course_ended");
      roster.remove(key);
      st.removeCourse(course);
      if (!en.dropped()) {
        st.activeEnrollments--;
        if (st.activeEnrollments == 0) {
          rosterAlerts.resolveAll(student, null, st, null, at, "course_ended");
        }
      }
      enrollmentsChanged(rosterCtx, student, st, now);
      if (st.enrollments() == 0) {
        students.delete(student);
        studentRemoved.accept(student, st);
      } else {
        students.put(student, st);
      }
    }
    if (!roster.hasMembers(course)) {
      signals.courseEnded(course);
    }
  }

  /** The rules keeping pending checks over the student's enrolments move or cancel them. */
  static void enrollmentsChanged(RosterContext rosterCtx, String student, StudentState st, long now) {
    for (RiskRule r : RiskRule.ALL) {
      r.onEnrollmentsChanged(rosterCtx, student, st, now);
    }
  }
}

package coursepulse.lms.risk;

import java.util.List;
import java.util.Map;

/**
 * One alerting rule over the per student-course signals. A rule says what it does on the moments
 * it cares about; the {@link RuleContext} gives it the configuration and the {@link AlertBook}.
 * Its open/resolved state is its slot in {@link StudentCourse}. Adding a rule: one class
 * implementing this, its {@link Rule} name and its section of {@link RulesConfig}, and an entry in
 * {@link #ALL}.
 */
interface RiskRule {
  /** The cohort-aware rules, in the order they run. */
  List<RiskRule> ALL =
      List.of(
          new InactiveRule(), new MissedWorkRule(), new LowGradesRule(), new RiskScoreRule(),
          new MissedDeadlinesRule(), new ActivityDropRule());

  Rule rule();

  /** A student showed work in the course at {@code t} (page view or submission). */
  default void onActivity(RuleContext ctx, Member m, long t) {}

  /** A submission was graded {@code permille} of the points possible; class median or -1. */
  default void onGrade(
      RuleContext ctx, Member m, long t, String assignmentId, int permille, int classMedian) {}

  /** The course's daily tick: every active member with features, score and factors. */
  default void onCourseDay(RuleContext ctx, CourseDay day) {}

  // Moments of the roster rules, whose state is in StudentState / EnrollmentState (written back
  // by the caller).

  /** A login of a student with an active enrolment. */
  default void onLogin(RosterContext ctx, String student, StudentState st, long t) {}

  /** A submission of {@code assignmentId} in an active enrolment, before {@link #onCourseWork}. */
  default void onSubmission(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      String assignmentId, long t) {}

  /** The deadline (due + grace) of assignment {@code d} passed, for an enrolment active then. */
  default void onDeadline(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      Deadline d) {}

  /** Assignment {@code index} of a course, due at {@code due}, judged at stream time {@code now}. */
  record Deadline(int index, String assignmentId, long due, long now) {}

  /**
   * Work in an active enrolment (submission or page view) at {@code t}.
   *
   * @return whether {@code st} changed
   */
  default boolean onCourseWork(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      long t) {
    return false;
  }

  /**
   * The end of a completed {@code week} of a course, for one of its active enrolments.
   *
   * @return whether {@code st} or {@code en} changed
   */
  default boolean onCourseWeekEnd(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      int week) {
    return false;
  }

  /**
   * The end of a completed {@code week} of a student with active enrolments spanning {@code
   * activeFrom} to {@code end}.
   */
  default void onStudentWeekEnd(
      RosterContext ctx, String student, StudentState st, int week, long activeFrom, long end) {}

  /** A student in a course, with its signal state (written back by the caller). */
  record Member(String student, String course, StudentCourse state) {}

  /** One member's view on a course day. */
  record Scored(Member member, Map<String, Double> features, double score, List<String> factors) {}

  /**
   * A course's day boundary at {@code at}: {@code courseDay} whole days since its start, and the
   * active members scored, in student-id order.
   */
  record CourseDay(String course, long at, int courseDay, List<Scored> members) {}
}

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
      List.of(new InactiveRule(), new MissedWorkRule(), new LowGradesRule(), new RiskScoreRule());

  Rule rule();

  /** A student showed work in the course at {@code t} (page view or submission). */
  default void onActivity(RuleContext ctx, Member m, long t) {}

  /** A submission was graded {@code permille} of the points possible; class median or -1. */
  default void onGrade(
      RuleContext ctx, Member m, long t, String assignmentId, int permille, int classMedian) {}

  /** The course's daily tick: every active member with features, score and factors. */
  default void onCourseDay(RuleContext ctx, CourseDay day) {}

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

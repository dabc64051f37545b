package coursepulse.lms.risk;

import coursepulse.lms.risk.model.RiskModel;
import java.util.List;
import java.util.Map;

/**
 * One alerting rule over the per student-course signals. A rule says what it does on the moments
 * it cares about; the {@link RuleContext} gives it the configuration and the {@link AlertBook}.
 * Its state (its alert's lifecycle and whatever else it keeps) is one object of its own type in
 * its {@link StateSlot} of the record it acts on: {@link StudentCourse} for the cohort-aware
 * rules, {@link EnrollmentState} or {@link StudentState} for the roster rules. Adding a rule: one
 * class implementing this (with its state type and slot, if it keeps more than its alert), its
 * {@link Rule} name and its section of {@link RulesConfig}, and an entry in {@link #ALL}.
 */
interface RiskRule {
  /**
   * The rules, in the order they run. Rules acting on the same moment emit their alerts in this
   * order, so the order is part of the output: the roster rules keep the order of {@link Rule}
   * they had inline in the processor (a login resolves LOGIN_INACTIVE before ACTIVITY_DROP, a
   * submission NO_SUBMISSIONS before MISSED_DEADLINES; see also {@link #afterDeadline}).
   */
  List<RiskRule> ALL =
      List.of(
          new InactiveRule(), new MissedWorkRule(), new LowGradesRule(), new RiskScoreRule(),
          new LoginInactiveRule(), new NoSubmissionsRule(), new MissedDeadlinesRule(),
          new ActivityDropRule());

  Rule rule();

  /** Where the rule keeps its state; slot ids are unique and never reused (see {@link StateSlot}). */
  StateSlot<?> state();

  /**
   * A student showed work in the course at {@code t} (page view or submission), on a later day
   * than any work known before: work dated earlier (delivered late, backfilled) counts in the
   * signals only.
   */
  default void onActivity(RuleContext ctx, Member m, long t) {}

  /** A submission was graded {@code permille} of the points possible; class median or -1. */
  default void onGrade(
      RuleContext ctx, Member m, long t, String assignmentId, int permille, int classMedian) {}

  /** The course's daily tick: every active member with features, score and factors. */
  default void onCourseDay(RuleContext ctx, CourseDay day) {}

  /**
   * A member's score updated by a grade between course days (see {@code
   * CourseSignals.gradedBetweenDays}).
   */
  default void onScoreUpdated(RuleContext ctx, ScoreUpdate update) {}

  // Moments of the roster rules, which keep their state in their slots of StudentState /
  // EnrollmentState (written back by the caller).

  /**
   * A login of a student with an active enrolment, already recorded in {@code st}; {@code
   * lastLoginBefore} is {@code st.lastLoginMs} before it ({@link StudentState#NONE} if none).
   */
  default void onLogin(
      RosterContext ctx, String student, StudentState st, long t, long lastLoginBefore) {}

  /**
   * An enrolment became active from {@code en.activeFrom}: a new one, or one renewed after a drop.
   */
  default void onEnrollmentActivated(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en) {}

  /**
   * The student's enrolments changed at stream time {@code now}: an enrolment (new, renewed or
   * moving the course end), a drop, or a course that ended, also when none is left ({@code
   * st.enrollments() == 0}, the state is then removed).
   */
  default void onEnrollmentsChanged(RosterContext ctx, String student, StudentState st, long now) {}

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
   * After every rule's {@link #onDeadline} for this enrolment, at stream time {@code now}: for
   * conditions over all the work owed so far rather than one assignment. A moment of its own so
   * that alerts opened at one deadline keep their order, per-assignment judgements first.
   */
  default void afterDeadline(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      long now) {}

  /**
   * A timer set by a rule (see {@link RosterContext#timers()}) fired at stream time {@code now}.
   * Keyed by the student ({@code course} and {@code en} null) or by the student-course. Each rule
   * acts on its own {@link TimerKeys.Timer#kind()} only; a new kind is named in {@link TimerKeys}
   * and routed here by {@code RiskProcessor.fire}.
   *
   * @return whether {@code st} or {@code en} changed
   */
  default boolean onTimer(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      TimerKeys.Timer timer, long now) {
    return false;
  }

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

  /**
   * Whether the rule, as configured, keeps timers of its own per student or student-course. A
   * rule that is off keeps none: they would only cost memory and firings.
   */
  default boolean keepsTimers(RulesConfig rules) {
    return false;
  }

  /**
   * The rule keeps timers now and did not when the restored state was kept (it was off, or on
   * another basis): it starts those of the student and the student's enrolments as of stream
   * time {@code now}, as if it had kept them all along (state written back by the caller). It
   * may only schedule: it runs as the task starts, before anything may be sent; a check that is
   * already due is a timer at {@code now}, fired at the first tick.
   */
  default void onTurnedOn(RosterContext ctx, String student, StudentState st, long now) {}

  /** A student in a course, with its signal state (written back by the caller). */
  record Member(String student, String course, StudentCourse state) {}

  /**
   * One member's view on a course day. Its factors are put into words when first asked for: most
   * members' scores are neither sent nor alerted on that day, and the phrasing is the larger part
   * of the cost of scoring.
   */
  final class Scored {
    private final Member member;
    private final Map<String, Double> features;
    private final double score;
    private final RiskModel model;
    private List<String> factors;

    /** {@code model} scored {@code features} as {@code score}; it also ranks the factors. */
    Scored(Member member, Map<String, Double> features, double score, RiskModel model) {
      this.member = member;
      this.features = features;
      this.score = score;
      this.model = model;
    }

    Member member() {
      return member;
    }

    Map<String, Double> features() {
      return features;
    }

    double score() {
      return score;
    }

    /** The strongest risk-raising factors in words ({@link FactorPhrases#of}). */
    List<String> factors() {
      if (factors == null) {
        factors = FactorPhrases.of(model.contributions(features), features);
      }
      return factors;
    }
  }

  /**
   * A course's day boundary at {@code at}: {@code courseDay} whole days since its start, and the
   * active members scored, in student-id order.
   */
  record CourseDay(String course, long at, int courseDay, List<Scored> members) {}

  /**
   * A member's score at {@code at}, at a grade between course days: against the class of the last
   * one, which ended at {@code courseDayEnd} ({@code courseDay}, {@code classSize} active members).
   *
   * @param scoreAlertsOpen the course's members with an open RISK_SCORE alert
   */
  record ScoreUpdate(
      Scored scored, long at, long courseDayEnd, int courseDay, int classSize,
      int scoreAlertsOpen) {}
}

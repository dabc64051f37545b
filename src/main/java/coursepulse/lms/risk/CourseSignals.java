package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import coursepulse.lms.risk.model.RiskModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The signals of every student-course and the cohort-aware rules over them: updates the signals
 * on each event (O(1) per event), and on each course day (a stream-time timer at course start + k
 * days) computes the cohort's figures, every active member's features and score, lets the
 * {@link RiskRule}s decide, and sends scores to {@code 05-Risk}: always at course-week boundaries
 * (the cut-offs training uses), otherwise when the score changed (at most once a day).
 */
final class CourseSignals {
  static final String COHORTS = "risk-cohorts";
  /** Per course, the class as ranked at the end of its latest day ({@link CohortDay}). */
  static final String CLASS_DAYS = "risk-class-days";
  static final String GRADES = "risk-grades";

  private final RulesConfig rules;
  private final RiskModel model;
  private final RiskMetrics metrics;
  private final Roster roster;
  private final KeyValueStore<String, CourseCohort> cohorts;
  private final KeyValueStore<String, CohortDay> classDays;
  private final KeyValueStore<String, AssignmentGrades> grades;
  private final KeyValueStore<String, AssignmentWeights> weights;
  private final RuleContext ctx;
  // null when the scores go nowhere: then no record is built
  private final Consumer<RiskScore> scores;
  private final List<RiskRule> active = new ArrayList<>();

  CourseSignals(
      RulesConfig rules,
      RiskModel model,
      RiskMetrics metrics,
      Roster roster,
      KeyValueStore<String, CourseCohort> cohorts,
      KeyValueStore<String, CohortDay> classDays,
      KeyValueStore<String, AssignmentGrades> grades,
      KeyValueStore<String, AssignmentWeights> weights,
      AlertBook book,
      Consumer<RiskScore> scores) {
    this.rules = rules;
    this.model = model;
    this.metrics = metrics;
    this.roster = roster;
    this.cohorts = cohorts;
    this.classDays = classDays;
    this.grades = grades;
    this.weights = weights;
    this.ctx = new RuleContext(rules, book);
    this.scores = scores;
    // Rules switched off still run: their open alerts resolve normally (docs/rules.md).
    active.addAll(RiskRule.ALL);
  }

  /**
   * A new or renewed enrolment: the course's cohort exists from now on (the enrolment brings its
   * own signals).
   *
   * @return the due time of the course's next day tick
   */
  long enrolled(String course, long courseStart, long courseEnd, long t) {
    CourseCohort cohort = cohorts.get(course);
    if (cohort == null) {
      cohort = new CourseCohort(courseStart, courseEnd);
    }
    cohort.courseEnd = Math.max(cohort.courseEnd, courseEnd);
    cohorts.put(course, cohort);
    long k = Math.max(1, Math.floorDiv(t - cohort.courseStart, Weeks.DAY_MS) + 1);
    return cohort.courseStart + k * Weeks.DAY_MS;
  }

  /**
   * Work in the course: page views ({@code clicks}) or a submission (1, its assignment index).
   * Writes the enrolment back.
   *
   * @param key the enrolment's key ({@link Roster#key})
   */
  void worked(
      String student, String course, String key, EnrollmentState en, long t, int clicks,
      int assignmentIndex) {
    StudentCourse sc = roster.signals(key, en);
    if (assignmentIndex >= 0 && assignmentIndex < CadenceSignal.TRACKED) {
      sc.submittedBits |= 1L << assignmentIndex;
    }
    CourseCohort cohort = cohorts.get(course);
    // The silence the rules measure starts after the last active day or, for a student who never
    // worked, on the enrolment's first day (ActivitySignal.daysSince).
    int silenceFrom = Math.max(sc.lastActiveDay, Weeks.dayIndex(en.activeFrom) - 1);
    if (ActivitySignal.record(sc, cohort, t, clicks) && cohort != null) {
      cohorts.put(course, cohort);
    }
    // Work dated before the silence (delivered late, backfilled, a wrong clock: 1970) counts in
    // the signals but tells the rules nothing new: it ends no silence.
    if (Weeks.dayIndex(t) > silenceFrom) {
      RiskRule.Member m = new RiskRule.Member(student, course, sc);
      for (RiskRule r : active) {
        r.onActivity(ctx, m, t);
      }
    }
    roster.update(key, en);
  }

  /**
   * With {@code riskScore.updateAtGrades}, the member's score at a grade between course days, as
   * the day's end would give it as far as it is known: the member's own work so far (activity
   * windows ending with the day of the latest work: everyone's windows move by a day at its end),
   * the grades as they are, and the class as it was ranked at the end of the course's last day
   * ({@link CohortDay}). Submissions count as they were ranked then ({@link
   * StudentCourse#submittedAsRanked}): on a deadline day the whole class hands in, and a student
   * who hands in at noon must not rank above classmates whose work of the day is not counted yet.
   * The rules act on it ({@link RiskRule#onScoreUpdated}); nothing goes to 05-Risk, which stays
   * one record per course day. A grade outside the course day after the last one, or of a member
   * not ranked at its end, is left to the next ranking.
   */
  private void gradedBetweenDays(
      String student, String course, StudentCourse sc, EnrollmentState en, long t) {
    if (!rules.riskScore().updateAtGrades()) {
      return;
    }
    CohortDay day = classDays.get(course);
    CourseCohort cohort = cohorts.get(course);
    // Only within the course day after the last one (once that day is over, its own tick, fired
    // once stream time moves past it, ranks the class again, this grade included), and only for
    // a member of the class ranked then: not one enrolled, or enrolled again, since.
    if (day == null || cohort == null || t < day.at || t >= day.at + Weeks.DAY_MS
        || !en.activeAt(t) || en.activeFrom >= day.at) {
      return;
    }
    int submitted = sc.submittedAsRanked(day.lastDay);
    if (submitted < 0) {
      return;
    }
    CohortDay.Activity own =
        CohortDay.Activity.of(sc, en, Math.max(day.lastDay, sc.lastActiveDay))
            .withSubmitted(submitted);
    RiskRule.Scored scored =
        scoreMember(
            day, day.medians(), courseFigures(course, cohort, roster.assignments(course), day.at),
            new RiskRule.Member(student, course, sc), en, own);
    boolean wasOpen = ctx.alerts().isOpen(Rule.RISK_SCORE, sc);
    RiskRule.ScoreUpdate update =
        new RiskRule.ScoreUpdate(
            scored, t, day.at, day.courseDay, day.size(), day.scoreAlertsOpen);
    for (RiskRule r : active) {
      r.onScoreUpdated(ctx, update);
    }
    boolean open = ctx.alerts().isOpen(Rule.RISK_SCORE, sc);
    if (open != wasOpen) {
      day.scoreAlertsOpen += open ? 1 : -1;
      classDays.put(course, day);
    }
  }

  /** A graded submission of assignment {@code index} of the course. Writes the enrolment back. */
  void graded(
      String student, String course, String key, EnrollmentState en, String assignmentId,
      int index, double score, long t) {
    String gradesKey = TimerKeys.pair(course, Integer.toString(index));
    AssignmentGrades ag = grades.get(gradesKey);
    if (ag == null || index >= CadenceSignal.TRACKED) {
      return;
    }
    StudentCourse sc = roster.signals(key, en);
    int permille = ag.permille(score);
    if (permille < 0) {
      return;
    }
    if (index < sc.grades.length && sc.grades[index] >= 0) {
      return; // a resubmission keeps the first grade: the class median counts each student once
    }
    ag.add(permille);
    grades.put(gradesKey, ag);
    sc.grade(index, permille);
    RiskRule.Member m = new RiskRule.Member(student, course, sc);
    for (RiskRule r : active) {
      r.onGrade(ctx, m, t, assignmentId, permille, ag.median());
    }
    gradedBetweenDays(student, course, sc, en, t);
    roster.update(key, en);
  }

  /** A new assignment (index in the course's schedule): its grades start empty. */
  void assignment(String course, int index, double pointsPossible, Double weight) {
    if (index < CadenceSignal.TRACKED) {
      grades.put(
          TimerKeys.pair(course, Integer.toString(index)),
          new AssignmentGrades(pointsPossible, new short[0]));
      AssignmentWeights w = weights.get(course);
      weights.put(course, (w == null ? AssignmentWeights.NONE : w).with(index, weight));
    }
  }

  /**
   * The enrolment stopped (dropped, or its course ended): its alerts close. The caller writes the
   * enrolment back, or deletes it at its course's end.
   */
  void ended(String student, String course, String key, EnrollmentState en, long at, String reason) {
    ctx.alerts().resolveAll(student, course, roster.signals(key, en), at, reason);
  }

  /** The course had no members left at its end. */
  void courseEnded(String course) {
    cohorts.delete(course);
    classDays.delete(course);
    weights.delete(course);
    CourseAssignments ca = roster.assignments(course);
    for (int i = 0; i < Math.min(ca.size(), CadenceSignal.TRACKED); i++) {
      grades.delete(TimerKeys.pair(course, Integer.toString(i)));
    }
  }

  /**
   * The course day ending at {@code at}: features, scores, rules, 05-Risk.
   *
   * @return the due time of the next tick, or -1 when the course is over
   */
  long dayEnded(String course, long at) {
    CourseCohort cohort = cohorts.get(course);
    if (cohort == null) {
      return -1;
    }
    int lastDay = Weeks.dayIndex(at - 1);
    cohort.advanceTo(lastDay);
    int courseDay = cohort.courseDay(at);
    CourseAssignments ca = roster.assignments(course);
    long graceMs = rules.graceMs();

    List<RiskRule.Member> members = new ArrayList<>();
    List<EnrollmentState> enrolments = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Roster.Member m : roster.members(course)) {
      EnrollmentState en = m.enrollment();
      if (en.dropped() || en.activeFrom >= at || at > en.courseEnd) {
        continue;
      }
      StudentCourse sc = roster.signals(m.key(), en);
      CadenceSignal.judge(sc, en, ca, graceMs, at);
      members.add(new RiskRule.Member(m.student(), course, sc));
      enrolments.add(en);
      keys.add(m.key());
    }
    int n = members.size();
    if (n > 0) {
      CohortDay.Activity[] activity = activityOf(members, enrolments, lastDay);
      CohortDay ranked = CohortDay.of(at, lastDay, cohort.courseDay(at), activity);
      List<RiskRule.Scored> scored =
          rankClass(course, ranked, activity, cohort, ca, members, enrolments);
      RiskRule.CourseDay day = new RiskRule.CourseDay(course, at, courseDay, scored);
      for (RiskRule r : active) {
        r.onCourseDay(ctx, day);
      }
      boolean weekBoundary = courseDay > 0 && courseDay % 7 == 0;
      for (int i = 0; i < n; i++) {
        RiskRule.Scored s = scored.get(i);
        StudentCourse sc = s.member().state();
        if (ctx.alerts().isOpen(Rule.RISK_SCORE, sc)) {
          ranked.scoreAlertsOpen++;
        }
        int e4 = (int) Math.round(s.score() * 10_000);
        // Between week boundaries only a change of at least 0.01 is worth a record.
        if (weekBoundary || sc.lastScoreE4 < 0 || Math.abs(e4 - sc.lastScoreE4) >= 100) {
          sc.lastScoreE4 = e4;
          sc.lastScoreDay = lastDay;
          metrics.scored(s.score());
          if (scores != null) {
            scores.accept(
                new RiskScore(
                    s.member().student(), course, Instant.ofEpochMilli(at), e4 / 10_000.0,
                    s.factors(), s.features(), model.version()));
          }
        }
        roster.update(keys.get(i), enrolments.get(i));
      }
      classDays.put(course, ranked);
    } else {
      classDays.delete(course);
    }
    cohorts.put(course, cohort);
    long next = at + Weeks.DAY_MS;
    return next <= cohort.courseEnd ? next : -1;
  }

  /**
   * Every member's figures over windows ending with {@code lastDay}; each member's submissions
   * are kept as ranked.
   */
  private static CohortDay.Activity[] activityOf(
      List<RiskRule.Member> members, List<EnrollmentState> enrolments, int lastDay) {
    CohortDay.Activity[] activity = new CohortDay.Activity[members.size()];
    for (int i = 0; i < activity.length; i++) {
      activity[i] = CohortDay.Activity.of(members.get(i).state(), enrolments.get(i), lastDay);
      members.get(i).state().ranked(lastDay, activity[i].submitted());
    }
    return activity;
  }

  /**
   * The class at the end of a course day ({@code day}, which the caller stores once it has
   * counted the open alerts; {@code activity} in the members' order): every member's features
   * and score against it.
   */
  private List<RiskRule.Scored> rankClass(
      String course,
      CohortDay day,
      CohortDay.Activity[] activity,
      CourseCohort cohort,
      CourseAssignments ca,
      List<RiskRule.Member> members,
      List<EnrollmentState> enrolments) {
    Features.Cohort medians = day.medians();
    CourseFigures figures = courseFigures(course, cohort, ca, day.at);
    List<RiskRule.Scored> out = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      out.add(scoreMember(day, medians, figures, members.get(i), enrolments.get(i), activity[i]));
    }
    return out;
  }

  /**
   * What the features need of the course at {@code at}: its assignments, their class medians
   * and weights, and how far the course is.
   */
  private record CourseFigures(
      long at, double dayOfCourse, CourseAssignments assignments, int[] classMedians,
      AssignmentWeights weights) {}

  private CourseFigures courseFigures(
      String course, CourseCohort cohort, CourseAssignments ca, long at) {
    AssignmentWeights courseWeights = weights.get(course);
    if (courseWeights == null) {
      courseWeights = AssignmentWeights.NONE;
    }
    int[] classMedians = new int[Math.min(ca.size(), CadenceSignal.TRACKED)];
    for (int i = 0; i < classMedians.length; i++) {
      AssignmentGrades ag = grades.get(TimerKeys.pair(course, Integer.toString(i)));
      classMedians[i] = ag == null ? -1 : ag.median();
    }
    double dayOfCourse = (at - cohort.courseStart) / (double) Weeks.DAY_MS;
    return new CourseFigures(at, dayOfCourse, ca, classMedians, courseWeights);
  }

  /** One member's features and score against the class of {@code day}. */
  private RiskRule.Scored scoreMember(
      CohortDay day,
      Features.Cohort medians,
      CourseFigures course,
      RiskRule.Member member,
      EnrollmentState en,
      CohortDay.Activity a) {
    StudentCourse sc = member.state();
    double passMark = rules.lowGrades().passMark();
    long windowMs = RulesConfig.days(rules.missedWork().windowDays());
    GradeSignal.Summary g = GradeSignal.summarize(sc, course.classMedians(), passMark);
    int[] recent =
        CadenceSignal.recent(en, course.assignments(), rules.graceMs(), windowMs, course.at());
    Features.Own own =
        new Features.Own(
            a.active7(), a.active28(), a.daysSince(), a.clicks14(), a.submitted(),
            day.shareActiveSince(a.lastActiveDay()), g.graded(), g.mean(), g.classMedianMean(),
            recent[0], recent[1], day.active7Pct(a.active7()), day.active28Pct(a.active28()),
            day.daysSincePct(a.daysSince()), day.clicks14Pct(a.clicks14()),
            day.submittedPct(a.submitted()));
    WorkSignal.Summary work =
        WorkSignal.summarize(
            sc, en, course.assignments(), course.weights(), passMark, rules.graceMs(), course.at());
    Map<String, Double> f = Features.of(course.dayOfCourse(), own, sc, medians, work);
    return new RiskRule.Scored(member, f, model.score(f), model);
  }
}

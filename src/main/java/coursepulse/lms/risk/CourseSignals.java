package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import coursepulse.lms.risk.model.RiskModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
  static final String GRADES = "risk-grades";

  private final RulesConfig rules;
  private final RiskModel model;
  private final RiskMetrics metrics;
  private final Roster roster;
  private final KeyValueStore<String, CourseCohort> cohorts;
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
      KeyValueStore<String, AssignmentGrades> grades,
      KeyValueStore<String, AssignmentWeights> weights,
      AlertBook book,
      Consumer<RiskScore> scores) {
    this.rules = rules;
    this.model = model;
    this.metrics = metrics;
    this.roster = roster;
    this.cohorts = cohorts;
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
    if (ActivitySignal.record(sc, cohort, t, clicks) && cohort != null) {
      cohorts.put(course, cohort);
    }
    RiskRule.Member m = new RiskRule.Member(student, course, sc);
    for (RiskRule r : active) {
      r.onActivity(ctx, m, t);
    }
    roster.update(key, en);
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
      List<RiskRule.Scored> scored = score(course, at, courseDay, lastDay, cohort, ca, members, enrolments);
      RiskRule.CourseDay day = new RiskRule.CourseDay(course, at, courseDay, scored);
      for (RiskRule r : active) {
        r.onCourseDay(ctx, day);
      }
      boolean weekBoundary = courseDay > 0 && courseDay % 7 == 0;
      for (int i = 0; i < n; i++) {
        RiskRule.Scored s = scored.get(i);
        StudentCourse sc = s.member().state();
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
    }
    cohorts.put(course, cohort);
    long next = at + Weeks.DAY_MS;
    return next <= cohort.courseEnd ? next : -1;
  }

  private List<RiskRule.Scored> score(
      String course,
      long at,
      int courseDay,
      int lastDay,
      CourseCohort cohort,
      CourseAssignments ca,
      List<RiskRule.Member> members,
      List<EnrollmentState> enrolments) {
    int n = members.size();
    int[] a7 = new int[n];
    int[] a28 = new int[n];
    int[] since = new int[n];
    int[] clicks = new int[n];
    int[] submitted = new int[n];
    int[] lastActive = new int[n];
    int active7 = 0;
    for (int i = 0; i < n; i++) {
      StudentCourse sc = members.get(i).state();
      a7[i] = sc.activeDays(lastDay, 7);
      a28[i] = sc.activeDays(lastDay, 28);
      since[i] = ActivitySignal.daysSince(sc, enrolments.get(i), lastDay);
      clicks[i] = sc.clicks(lastDay, 14);
      submitted[i] = Long.bitCount(sc.submittedBits);
      lastActive[i] = lastDay - since[i];
      active7 += a7[i] > 0 ? 1 : 0;
    }
    int[] s7 = sorted(a7);
    int[] s28 = sorted(a28);
    int[] sSince = sorted(since);
    int[] sClicks = sorted(clicks);
    int[] sSubmitted = sorted(submitted);
    int[] sortedLast = sorted(lastActive);
    Features.Cohort c =
        new Features.Cohort(
            median(s28), median(sSince), median(sClicks), median(sSubmitted), active7 / (double) n);
    AssignmentWeights courseWeights = weights.get(course);
    if (courseWeights == null) {
      courseWeights = AssignmentWeights.NONE;
    }
    int[] classMedians = new int[Math.min(ca.size(), CadenceSignal.TRACKED)];
    for (int i = 0; i < classMedians.length; i++) {
      AssignmentGrades ag = grades.get(TimerKeys.pair(course, Integer.toString(i)));
      classMedians[i] = ag == null ? -1 : ag.median();
    }
    double passMark = rules.lowGrades().passMark();
    long windowMs = RulesConfig.days(rules.missedWork().windowDays());
    double dayOfCourse = (at - cohort.courseStart) / (double) Weeks.DAY_MS;
    List<RiskRule.Scored> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StudentCourse sc = members.get(i).state();
      // Classmates whose last work is later than this student's: active while they were not.
      int later = n - upperBound(sortedLast, lastActive[i]);
      double classSince = n > 1 ? later / (double) (n - 1) : 0;
      GradeSignal.Summary g = GradeSignal.summarize(sc, classMedians, passMark);
      int[] recent = CadenceSignal.recent(enrolments.get(i), ca, rules.graceMs(), windowMs, at);
      Features.Own own =
          new Features.Own(
              a7[i], a28[i], since[i], clicks[i], submitted[i], classSince, g.graded(), g.mean(),
              g.classMedianMean(), recent[0], recent[1],
              Features.pct(s7, a7[i]), Features.pct(s28, a28[i]), Features.pct(sSince, since[i]),
              Features.pct(sClicks, clicks[i]), Features.pct(sSubmitted, submitted[i]));
      WorkSignal.Summary work =
          WorkSignal.summarize(
              sc, enrolments.get(i), ca, courseWeights, passMark, rules.graceMs(), at);
      Map<String, Double> f = Features.of(dayOfCourse, own, sc, c, work);
      double score = model.score(f);
      out.add(new RiskRule.Scored(members.get(i), f, score, model));
    }
    return out;
  }

  private static int[] sorted(int[] values) {
    int[] s = values.clone();
    Arrays.sort(s);
    return s;
  }

  /** Index of the first element greater than {@code v} in a sorted array. */
  private static int upperBound(int[] sorted, int v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double median(int[] s) {
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }
}

package coursepulse.lms.quality;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.risk.RiskScore;
import coursepulse.lms.risk.RiskScoreCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds small, hand-countable cohorts: enrolments in courses that start at {@link #START} and
 * last {@link #LENGTH_DAYS} days, outcomes, alert openings and activity at whole days after the
 * start.
 */
final class QualityFixture {

  static final Instant START = Instant.parse("2013-10-07T00:00:00Z");
  static final int LENGTH_DAYS = 100;
  static final Instant END = day(LENGTH_DAYS);

  final List<LmsEvent> enrolments = new ArrayList<>();
  final List<Outcome> outcomes = new ArrayList<>();
  private int ids;

  /** {@code START} + {@code d} days (fractions allowed). */
  static Instant day(double d) {
    return START.plus(Duration.ofMinutes(Math.round(d * 24 * 60)));
  }

  /** A pair enrolled before the start that ended with {@code result}, leaving at day {@code left}. */
  QualityFixture pair(String student, String course, FinalResult result, Double left) {
    return pair(student, course, result, -30, left);
  }

  /** As {@link #pair(String, String, FinalResult, Double)}, enrolled at day {@code enrolled}. */
  QualityFixture pair(
      String student, String course, FinalResult result, double enrolled, Double left) {
    enrolments.add(new EnrollmentCreated(id(), 1, day(enrolled), student, course, "student", null,
        null, START, END));
    if (left != null) {
      enrolments.add(new EnrollmentDropped(id(), 1, day(left), student, course, "withdrawn"));
    }
    outcomes.add(new Outcome(student, course, result,
        result == FinalResult.WITHDRAWN && left != null ? day(left) : null));
    return this;
  }

  Cohort cohort(CourseFilter filter) {
    Cohort.Builder b = Cohort.builder(filter);
    for (LmsEvent e : enrolments) {
      b.enrollment(EventCodec.encode(e));
    }
    return b.build(outcomes);
  }

  Cohort cohort() {
    return cohort(CourseFilter.all());
  }

  static AlertOpening alert(String rule, String student, String course, double day) {
    return new AlertOpening(rule, student, course, day(day), Double.NaN);
  }

  static AlertOpening scored(String student, String course, double day, double score) {
    return new AlertOpening("RISK_SCORE", student, course, day(day), score);
  }

  static byte[] risk(String student, String course, double day, double score) {
    return RiskScoreCodec.encode(new RiskScore(student, course, day(day), score, List.of(),
        Map.of("activeDays28", 1.0), "test-1"));
  }

  byte[] access(String student, String course, double day) {
    return EventCodec.encode(new AssetAccessed(id(), 1, day(day), student, course, "page"));
  }

  byte[] login(String student, double day) {
    return EventCodec.encode(new LoggedIn(id(), 1, day(day), student, "desktop", null));
  }

  private String id() {
    return "e-" + ids++;
  }
}

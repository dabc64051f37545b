package coursepulse.lms.risk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Rule#RISK_SCORE}: on each course day, resolves alerts whose score fell below {@code
 * closeThreshold} (hysteresis), then opens the highest scores at or above {@code openThreshold} while
 * the course's open RISK_SCORE alerts stay within {@code budgetPercent} of its active students. The
 * budget is what an instructor can follow up; the effective threshold is whichever is higher.
 * Between course days the score follows the student's grades ({@link #onScoreUpdated}).
 */
final class RiskScoreRule implements RiskRule {
  static final StateSlot<AlertSlot> STATE = StateSlot.alertOnly(Rule.RISK_SCORE, 7);

  @Override
  public Rule rule() {
    return Rule.RISK_SCORE;
  }

  @Override
  public StateSlot<AlertSlot> state() {
    return STATE;
  }

  @Override
  public void onCourseDay(RuleContext ctx, CourseDay day) {
    RulesConfig.RiskScoreRule cfg = ctx.rules().riskScore();
    AlertBook book = ctx.alerts();
    int open = 0;
    List<Scored> candidates = new ArrayList<>();
    for (Scored s : day.members()) {
      if (book.isOpen(Rule.RISK_SCORE, s.member().state())) {
        if (s.score() < cfg.resolveBelow()) {
          resolve(book, cfg, s, day.at());
        } else {
          open++;
        }
      } else if (s.score() >= cfg.threshold() && day.courseDay() >= cfg.minCourseDay()) {
        candidates.add(s);
      }
    }
    int budget = budget(cfg, day.members().size());
    candidates.sort(
        Comparator.comparingDouble(Scored::score)
            .reversed()
            .thenComparing(s -> s.member().student()));
    for (Scored s : candidates) {
      if (open >= budget) {
        break;
      }
      if (book.mayOpen(Rule.RISK_SCORE, s.member().state(), day.at())) {
        open(book, cfg, s, day.at(), day.members().size());
        open++;
      }
    }
  }

  /**
   * At a grade between course days: a grade that takes the score to {@code openThreshold} opens
   * an alert at once if the course's budget has room, without waiting for the course day's
   * ranking; one that takes it below {@code closeThreshold} resolves an open alert, unless that
   * opened since the last course day.
   */
  @Override
  public void onScoreUpdated(RuleContext ctx, ScoreUpdate u) {
    RulesConfig.RiskScoreRule cfg = ctx.rules().riskScore();
    AlertBook book = ctx.alerts();
    Scored s = u.scored();
    StudentCourse sc = s.member().state();
    if (book.isOpen(Rule.RISK_SCORE, sc)) {
      // An alert opened since the class was last ranked stays until the next ranking: two
      // events in a row (a failed and a passed submission of the same minute) must not open and
      // resolve it at once.
      if (s.score() < cfg.resolveBelow() && STATE.get(sc).openedAt < u.courseDayEnd()) {
        resolve(book, cfg, s, u.at());
      }
    } else if (s.score() >= cfg.threshold()
        && u.courseDay() >= cfg.minCourseDay()
        && book.mayOpen(Rule.RISK_SCORE, sc, u.at())
        && u.scoreAlertsOpen() < budget(cfg, u.classSize())) {
      open(book, cfg, s, u.at(), u.classSize());
    }
  }

  /** How many of a course's {@code activeStudents} may have an open RISK_SCORE alert at once. */
  private static int budget(RulesConfig.RiskScoreRule cfg, int activeStudents) {
    return (int) Math.floor(cfg.budgetPercent() / 100.0 * activeStudents);
  }

  private static void resolve(AlertBook book, RulesConfig.RiskScoreRule cfg, Scored s, long at) {
    Member m = s.member();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("reason", "score_below_threshold");
    ev.put("score", Alert.ratio(s.score()));
    ev.put("closeThreshold", Alert.ratio(cfg.resolveBelow()));
    book.resolve(Rule.RISK_SCORE, m.student(), m.course(), m.state(), at, ev);
  }

  private static void open(
      AlertBook book, RulesConfig.RiskScoreRule cfg, Scored s, long at, int activeStudents) {
    Member m = s.member();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("score", Alert.ratio(s.score()));
    ev.put("openThreshold", Alert.ratio(cfg.threshold()));
    ev.put("budgetPercent", Alert.ratio(cfg.budgetPercent()));
    ev.put("activeStudents", (long) activeStudents);
    book.open(
        Rule.RISK_SCORE, m.student(), m.course(), m.state(), at, ev, s.score(), s.factors());
  }
}

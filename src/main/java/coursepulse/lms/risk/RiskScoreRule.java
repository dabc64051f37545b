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
      Member m = s.member();
      if (book.isOpen(Rule.RISK_SCORE, m.state())) {
        if (s.score() < cfg.resolveBelow()) {
          Map<String, Object> ev = new LinkedHashMap<>();
          ev.put("reason", "score_below_threshold");
          ev.put("score", Alert.ratio(s.score()));
          ev.put("closeThreshold", Alert.ratio(cfg.resolveBelow()));
          book.resolve(Rule.RISK_SCORE, m.student(), m.course(), m.state(), day.at(), ev);
        } else {
          open++;
        }
      } else if (s.score() >= cfg.threshold() && day.courseDay() >= cfg.minCourseDay()) {
        candidates.add(s);
      }
    }
    int budget = (int) Math.floor(cfg.budgetPercent() / 100.0 * day.members().size());
    candidates.sort(
        Comparator.comparingDouble(Scored::score)
            .reversed()
            .thenComparing(s -> s.member().student()));
    for (Scored s : candidates) {
      if (open >= budget) {
        break;
      }
      Member m = s.member();
      if (!book.mayOpen(Rule.RISK_SCORE, m.state(), day.at())) {
        continue;
      }
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("score", Alert.ratio(s.score()));
      ev.put("openThreshold", Alert.ratio(cfg.threshold()));
      ev.put("budgetPercent", Alert.ratio(cfg.budgetPercent()));
      ev.put("activeStudents", (long) day.members().size());
      book.open(Rule.RISK_SCORE, m.student(), m.course(), m.state(), day.at(), ev, s.score(), s.factors());
      open++;
    }
  }
}

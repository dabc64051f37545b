package coursepulse.lms.risk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Rule#MISSED_WORK}: the share of the course's judged assessments (past due + grace) that
 * the student missed, so the course's cadence decides: one missed of three is a third of the work,
 * one of fifteen is not. Resolves when the share falls back below the threshold.
 */
final class MissedWorkRule implements RiskRule {
  @Override
  public Rule rule() {
    return Rule.MISSED_WORK;
  }

  @Override
  public void onCourseDay(RuleContext ctx, CourseDay day) {
    RulesConfig.MissedWork cfg = ctx.rules().missedWork();
    for (Scored s : day.members()) {
      StudentCourse sc = s.member().state();
      int due = sc.due();
      double share = due == 0 ? 0 : (double) sc.missed / due;
      boolean hit = due >= cfg.minDue() && share >= cfg.share() && sc.missed > 0;
      Member m = s.member();
      if (hit && ctx.alerts().mayOpen(Rule.MISSED_WORK, sc, day.at())) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("missed", (long) sc.missed);
        ev.put("due", (long) due);
        ev.put("missedShare", Alert.ratio(share));
        ev.put("thresholdShare", Alert.ratio(cfg.share()));
        ctx.alerts().open(
            Rule.MISSED_WORK, m.student(), m.course(), sc, day.at(), ev, s.score(), s.factors());
      } else if (!hit && ctx.alerts().isOpen(Rule.MISSED_WORK, sc)) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("reason", "share_below_threshold");
        ev.put("missedShare", Alert.ratio(share));
        ctx.alerts().resolve(Rule.MISSED_WORK, m.student(), m.course(), sc, day.at(), ev);
      }
    }
  }
}

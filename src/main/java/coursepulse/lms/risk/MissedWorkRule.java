package coursepulse.lms.risk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Rule#MISSED_WORK}: the share of the assessments whose deadline (due + grace) passed in
 * the last {@code missedWork.windowDays} that the student missed, so the course's cadence decides:
 * one missed among a three-assessment course's deadlines is a large share, one among a weekly
 * course's five is not. A bounded window, not the whole term: a replay from mid-term reproduces it
 * after a warm-up (docs/replay.md). Resolves when the share falls back below the threshold.
 */
final class MissedWorkRule implements RiskRule {
  static final StateSlot<AlertSlot> STATE = StateSlot.alertOnly(Rule.MISSED_WORK, 5);

  @Override
  public Rule rule() {
    return Rule.MISSED_WORK;
  }

  @Override
  public StateSlot<AlertSlot> state() {
    return STATE;
  }

  @Override
  public void onCourseDay(RuleContext ctx, CourseDay day) {
    RulesConfig.MissedWork cfg = ctx.rules().missedWork();
    for (Scored s : day.members()) {
      StudentCourse sc = s.member().state();
      int due = s.features().get(Features.DUE_RECENT).intValue();
      int missed = s.features().get(Features.MISSED_RECENT).intValue();
      double share = due == 0 ? 0 : (double) missed / due;
      boolean hit = due >= cfg.minDue() && share >= cfg.share() && missed > 0;
      Member m = s.member();
      if (hit && ctx.alerts().mayOpen(Rule.MISSED_WORK, sc, day.at())) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("missed", (long) missed);
        ev.put("due", (long) due);
        ev.put("windowDays", Alert.ratio(cfg.windowDays()));
        ev.put("missedShare", Alert.ratio(share));
        ev.put("thresholdShare", Alert.ratio(cfg.share()));
        // The rule's own reason leads, over the whole term so far (what an instructor can check).
        ctx.alerts().open(
            Rule.MISSED_WORK, m.student(), m.course(), sc, day.at(), ev, s.score(),
            FactorPhrases.missedWork(s.features(), s.factors()));
      } else if (!hit && ctx.alerts().isOpen(Rule.MISSED_WORK, sc)) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("reason", "share_below_threshold");
        ev.put("missedShare", Alert.ratio(share));
        ctx.alerts().resolve(Rule.MISSED_WORK, m.student(), m.course(), sc, day.at(), ev);
      }
    }
  }
}

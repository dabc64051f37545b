package coursepulse.lms.risk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Rule#INACTIVE}: a student with no work in a course for {@code inactive.minDays} (declared
 * breaks not counted) while at least {@code inactive.classShare} of the classmates worked in that
 * time. Judged against the class, so a quiet week for everyone raises nothing; per course, so
 * work in another course does not hide it. Resolves on the next sign of work in the course.
 */
final class InactiveRule implements RiskRule {
  static final StateSlot<AlertSlot> STATE = StateSlot.alertOnly(Rule.INACTIVE, 4);

  @Override
  public Rule rule() {
    return Rule.INACTIVE;
  }

  @Override
  public StateSlot<AlertSlot> state() {
    return STATE;
  }

  @Override
  public void onActivity(RuleContext ctx, Member m, long t) {
    if (ctx.alerts().isOpen(Rule.INACTIVE, m.state())) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "activity");
      ctx.alerts().resolve(Rule.INACTIVE, m.student(), m.course(), m.state(), t, ev);
    }
  }

  @Override
  public void onCourseDay(RuleContext ctx, CourseDay day) {
    RulesConfig.Inactive cfg = ctx.rules().inactive();
    for (Scored s : day.members()) {
      Member m = s.member();
      double silent = s.features().get(Features.DAYS_SINCE_ACTIVE);
      int breakDays =
          ctx.rules().breakDays(m.course(), Weeks.dayIndex(day.at()) - (int) silent, Weeks.dayIndex(day.at()));
      double share = s.features().get(Features.CLASS_ACTIVE_SINCE);
      if (silent - breakDays >= cfg.minDays()
          && share >= cfg.classShare()
          && ctx.alerts().mayOpen(Rule.INACTIVE, m.state(), day.at())) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("inactiveDays", Alert.ratio(silent));
        ev.put("breakDays", (long) breakDays);
        ev.put("classActiveShare", Alert.ratio(share));
        ev.put("thresholdDays", Alert.ratio(cfg.minDays()));
        ctx.alerts().open(
            Rule.INACTIVE, m.student(), m.course(), m.state(), day.at(), ev, s.score(),
            FactorPhrases.leading(FactorPhrases.inactivity(silent, share), s.factors()));
      }
    }
  }
}

package coursepulse.lms.risk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Rule#LOW_GRADES}: a graded submission below the pass mark opens at once (a failed
 * assessment is among the strongest early signals on real data); a later passing grade resolves.
 */
final class LowGradesRule implements RiskRule {
  static final StateSlot<AlertSlot> STATE = StateSlot.alertOnly(Rule.LOW_GRADES, 6);

  @Override
  public Rule rule() {
    return Rule.LOW_GRADES;
  }

  @Override
  public StateSlot<AlertSlot> state() {
    return STATE;
  }

  @Override
  public void onGrade(
      RuleContext ctx, Member m, long t, String assignmentId, int permille, int classMedian) {
    double pass = ctx.rules().lowGrades().passMark();
    boolean failed = permille < Math.round(pass * 1000);
    if (failed && ctx.alerts().mayOpen(Rule.LOW_GRADES, m.state(), t)) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("assignmentId", assignmentId);
      ev.put("score", Alert.ratio(permille / 10.0));
      ev.put("classMedian", classMedian < 0 ? null : Alert.ratio(classMedian / 10.0));
      ev.put("passMark", Alert.ratio(pass * 100));
      ctx.alerts().open(
          Rule.LOW_GRADES, m.student(), m.course(), m.state(), t, ev, null,
          List.of(FactorPhrases.grade(permille, classMedian)));
    } else if (!failed && ctx.alerts().isOpen(Rule.LOW_GRADES, m.state())) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "passing_grade");
      ev.put("assignmentId", assignmentId);
      ev.put("score", Alert.ratio(permille / 10.0));
      ctx.alerts().resolve(Rule.LOW_GRADES, m.student(), m.course(), m.state(), t, ev);
    }
  }
}

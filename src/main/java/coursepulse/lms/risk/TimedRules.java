package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rules keep timers of their own ({@link RiskRule#keepsTimers}), as recorded with the state,
 * and the timers of rules turned on since. Rules keep no timers while off, so a rule turned on in
 * a restart starts them from the restored state, for every student; a rule turned off lets its
 * timers run out.
 */
final class TimedRules {
  /** In {@code risk-meta}: the rules that kept timers when the state was kept, bits by slot id. */
  static final String META_KEY = "rules.timed";

  private TimedRules() {}

  /** The rules that keep timers under {@code rules}, as bits by their slot ids. */
  static long of(RulesConfig rules) {
    long bits = 0;
    for (RiskRule r : RiskRule.ALL) {
      if (r.keepsTimers(rules)) {
        bits |= 1L << r.state().id();
      }
    }
    return bits;
  }

  /**
   * Starts the timers of the rules turned on since the state was kept, as of stream time {@code
   * now}, and records the rules that keep timers now. State with no record is new, or was kept by
   * a version that kept every rule's timers: nothing to start.
   *
   * @return how many students the rules turned on looked at (0 when none was turned on)
   */
  static int startTurnedOn(
      RosterContext ctx,
      KeyValueStore<String, Long> meta,
      KeyValueStore<String, StudentState> students,
      long now) {
    long timed = of(ctx.rules());
    Long before = meta.get(META_KEY);
    if (before != null && before == timed) {
      return 0;
    }
    long turnedOn = before == null ? 0 : timed & ~before;
    List<KeyValue<String, StudentState>> all = new ArrayList<>();
    if (turnedOn != 0) {
      students.all().forEachRemaining(all::add);
    }
    for (KeyValue<String, StudentState> s : all) {
      for (RiskRule r : RiskRule.ALL) {
        if ((turnedOn & 1L << r.state().id()) != 0) {
          r.onTurnedOn(ctx, s.key(), s.value(), now);
        }
      }
      students.put(s.key(), s.value());
    }
    meta.put(META_KEY, timed);
    return all.size();
  }
}

package coursepulse.lms.risk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changes between two alert streams over the same input (a backtest: rule set A against rule
 * set B). Alert openings are matched in two steps:
 *
 * <ol>
 *   <li><b>same</b>: the same {@code alertId} in both (same rule, student, course and opening
 *       time);
 *   <li><b>shifted</b>: otherwise, an alert of A and one of B for the same rule, student and course
 *       whose open intervals overlap ({@code [openedAt, resolvedAt)}, open-ended when never
 *       resolved) are the same episode raised at another time, e.g. after 5 instead of 7 days;
 *       matched in opening order, one to one;
 * </ol>
 *
 * <p>what is left is <b>only in A</b> or <b>only in B</b>. Severity is not compared: it depends on
 * the other open alerts of the student, so it follows from the differences above.
 */
public final class AlertDiff {

  /** Counts of one rule (or of all rules). */
  public record Counts(
      long openedA, long openedB, long same, long shifted, long onlyA, long onlyB,
      List<Duration> shifts) {

    /** Median of (A's opening - B's opening) over the shifted pairs; null when there are none. */
    Duration medianShift() {
      if (shifts.isEmpty()) {
        return null;
      }
      List<Duration> sorted = new ArrayList<>(shifts);
      sorted.sort(Comparator.naturalOrder());
      return sorted.get(sorted.size() / 2);
    }
  }

  /** The comparison: counts per rule, totals, and the unmatched openings of each side. */
  public record Result(Map<Rule, Counts> perRule, Counts total, List<Alert> onlyA, List<Alert> onlyB) {}

  private AlertDiff() {}

  /** Compares the alert records (openings and resolutions) of A and B. */
  public static Result compare(List<Alert> a, List<Alert> b) {
    Map<String, Opening> openA = openings(a);
    Map<String, Opening> openB = openings(b);
    Map<Rule, long[]> counts = new EnumMap<>(Rule.class);
    Map<Rule, List<Duration>> shifts = new EnumMap<>(Rule.class);
    for (Rule r : Rule.values()) {
      counts.put(r, new long[6]);
      shifts.put(r, new ArrayList<>());
    }
    openA.values().forEach(o -> counts.get(o.alert.rule())[0]++);
    openB.values().forEach(o -> counts.get(o.alert.rule())[1]++);

    Map<Key, List<Opening>> restA = new LinkedHashMap<>();
    Map<Key, List<Opening>> restB = new HashMap<>();
    for (Opening o : openA.values()) {
      if (openB.containsKey(o.alert.alertId())) {
        counts.get(o.alert.rule())[2]++;
      } else {
        restA.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      }
    }
    for (Opening o : openB.values()) {
      if (!openA.containsKey(o.alert.alertId())) {
        restB.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      }
    }
    List<Alert> onlyA = new ArrayList<>();
    List<Alert> onlyB = new ArrayList<>();
    for (Map.Entry<Key, List<Opening>> e : restA.entrySet()) {
      List<Opening> bs = new ArrayList<>(restB.getOrDefault(e.getKey(), List.of()));
      restB.remove(e.getKey());
      for (Opening x : e.getValue()) {
        Opening match = null;
        for (Opening y : bs) {
          if (x.overlaps(y)) {
            match = y;
            break;
          }
        }
        Rule rule = x.alert.rule();
        if (match == null) {
          counts.get(rule)[4]++;
          onlyA.add(x.alert);
        } else {
          bs.remove(match);
          counts.get(rule)[3]++;
          shifts.get(rule).add(Duration.between(match.alert.openedAt(), x.alert.openedAt()));
        }
      }
      for (Opening y : bs) {
        counts.get(y.alert.rule())[5]++;
        onlyB.add(y.alert);
      }
    }
    for (List<Opening> ys : restB.values()) {
      for (Opening y : ys) {
        counts.get(y.alert.rule())[5]++;
        onlyB.add(y.alert);
      }
    }
    Map<Rule, Counts> perRule = new EnumMap<>(Rule.class);
    long[] t = new long[6];
    List<Duration> allShifts = new ArrayList<>();
    for (Rule r : Rule.values()) {
      long[] c = counts.get(r);
      perRule.put(r, new Counts(c[0], c[1], c[2], c[3], c[4], c[5], List.copyOf(shifts.get(r))));
      for (int i = 0; i < 6; i++) {
        t[i] += c[i];
      }
      allShifts.addAll(shifts.get(r));
    }
    Comparator<Alert> byTime = Comparator.comparing(Alert::openedAt).thenComparing(Alert::alertId);
    onlyA.sort(byTime);
    onlyB.sort(byTime);
    return new Result(
        perRule, new Counts(t[0], t[1], t[2], t[3], t[4], t[5], List.copyOf(allShifts)),
        List.copyOf(onlyA), List.copyOf(onlyB));
  }

  /** A table of the result, one row per rule and a total row. */
  public static String format(Result r, String labelA, String labelB) {
    StringBuilder s = new StringBuilder();
    s.append("A = ").append(labelA).append('\n');
    s.append("B = ").append(labelB).append('\n');
    s.append(String.format(
        "%-18s %9s %9s %9s %9s %13s %9s %9s%n",
        "rule", "A opened", "B opened", "same", "shifted", "median A-B", "only A", "only B"));
    for (Map.Entry<Rule, Counts> e : r.perRule().entrySet()) {
      row(s, e.getKey().name(), e.getValue());
    }
    row(s, "all rules", r.total());
    return s.toString();
  }

  private static void row(StringBuilder s, String name, Counts c) {
    Duration m = c.medianShift();
    String median = m == null ? "-" : String.format("%+.2f d", m.toMillis() / 86_400_000.0);
    s.append(String.format(
        "%-18s %9d %9d %9d %9d %13s %9d %9d%n",
        name, c.openedA(), c.openedB(), c.same(), c.shifted(), median, c.onlyA(), c.onlyB()));
  }

  private record Key(Rule rule, String studentId, String courseId) {}

  private static final class Opening {
    final Alert alert;
    Instant resolvedAt;

    Opening(Alert alert) {
      this.alert = alert;
    }

    Key key() {
      return new Key(alert.rule(), alert.studentId(), alert.courseId());
    }

    boolean overlaps(Opening o) {
      Instant endA = resolvedAt == null ? Instant.MAX : resolvedAt;
      Instant endB = o.resolvedAt == null ? Instant.MAX : o.resolvedAt;
      return alert.openedAt().isBefore(endB) && o.alert.openedAt().isBefore(endA);
    }
  }

  /** Openings by alert id, in order of appearance, with their resolution time when resolved. */
  private static Map<String, Opening> openings(List<Alert> records) {
    Map<String, Opening> out = new LinkedHashMap<>();
    for (Alert x : records) {
      if (x.type() == Alert.Type.OPENED) {
        out.putIfAbsent(x.alertId(), new Opening(x));
      } else {
        Opening o = out.get(x.alertId());
        if (o != null && Objects.equals(o.alert.rule(), x.rule())) {
          o.resolvedAt = x.resolvedAt();
        }
      }
    }
    return out;
  }
}

package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertDiffTest {

  private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  private static Alert opened(Rule rule, String student, String course, Instant at) {
    return new Alert(
        Alert.Type.OPENED, Alert.idOf(rule, student, course, at.toEpochMilli()), rule,
        Severity.values()[0], student, course, at, null, Map.of(), "v");
  }

  private static Alert resolved(Alert o, Instant at) {
    return new Alert(
        Alert.Type.RESOLVED, o.alertId(), o.rule(), o.severity(), o.studentId(), o.courseId(),
        o.openedAt(), at, Map.of(), "v");
  }

  private static Instant day(double d) {
    return T0.plus(Duration.ofMinutes((long) (d * 24 * 60)));
  }

  @Test
  void shouldMatchIdenticalAlertsByIdAndOverlappingEpisodesAsShifted() {
    Alert same = opened(Rule.LOGIN_INACTIVE, "s1", null, day(0));
    Alert earlyA = opened(Rule.LOGIN_INACTIVE, "s2", null, day(5)); // 5-day threshold
    Alert lateB = opened(Rule.LOGIN_INACTIVE, "s2", null, day(7)); // 7-day threshold
    Alert onlyA = opened(Rule.MISSED_DEADLINES, "s3", "c1", day(3));
    Alert onlyB = opened(Rule.NO_SUBMISSIONS, "s4", "c2", day(9));
    List<Alert> a = List.of(same, earlyA, resolved(earlyA, day(8)), onlyA);
    List<Alert> b = List.of(same, lateB, resolved(lateB, day(8)), onlyB);

    AlertDiff.Result r = AlertDiff.compare(a, b);

    assertThat(r.total().openedA()).isEqualTo(3);
    assertThat(r.total().openedB()).isEqualTo(3);
    assertThat(r.total().same()).isEqualTo(1);
    assertThat(r.total().shifted()).isEqualTo(1);
    assertThat(r.total().onlyA()).isEqualTo(1);
    assertThat(r.total().onlyB()).isEqualTo(1);
    assertThat(r.perRule().get(Rule.LOGIN_INACTIVE).medianShift()).isEqualTo(Duration.ofDays(-2));
    assertThat(r.onlyA()).containsExactly(onlyA);
    assertThat(r.onlyB()).containsExactly(onlyB);
    assertThat(r.perRule().get(Rule.NO_SUBMISSIONS).onlyB()).isEqualTo(1);
  }

  @Test
  void shouldNotPairEpisodesThatDoNotOverlap() {
    Alert a1 = opened(Rule.LOGIN_INACTIVE, "s1", null, day(0));
    Alert b1 = opened(Rule.LOGIN_INACTIVE, "s1", null, day(10));
    AlertDiff.Result r =
        AlertDiff.compare(List.of(a1, resolved(a1, day(2))), List.of(b1));
    assertThat(r.total().shifted()).isZero();
    assertThat(r.total().onlyA()).isEqualTo(1);
    assertThat(r.total().onlyB()).isEqualTo(1);
  }

  @Test
  void shouldPairEachEpisodeOnceInOpeningOrder() {
    Alert a1 = opened(Rule.ACTIVITY_DROP, "s1", null, day(0));
    Alert a2 = opened(Rule.ACTIVITY_DROP, "s1", null, day(1)); // never resolved: open-ended
    Alert b1 = opened(Rule.ACTIVITY_DROP, "s1", null, day(0.5));
    AlertDiff.Result r = AlertDiff.compare(List.of(a1, a2), List.of(b1));
    assertThat(r.total().shifted()).isEqualTo(1);
    assertThat(r.total().onlyA()).isEqualTo(1);
    assertThat(r.onlyA()).containsExactly(a2);
    assertThat(AlertDiff.format(r, "A", "B")).contains("all rules").contains("ACTIVITY_DROP");
  }

  @Test
  void shouldReportNothingChangedForIdenticalStreams() {
    Alert x = opened(Rule.LOGIN_INACTIVE, "s1", null, day(0));
    AlertDiff.Result r = AlertDiff.compare(List.of(x, resolved(x, day(1))), List.of(x, resolved(x, day(1))));
    assertThat(r.total().same()).isEqualTo(1);
    assertThat(r.total().onlyA() + r.total().onlyB() + r.total().shifted()).isZero();
  }
}
